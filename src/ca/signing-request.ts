/**
 * Certificate signing requests (PKCS#10), so a device's private key never has to move:
 * the device makes a key and a CSR; the CA checks the CSR's signature and issues a certificate,
 * deciding every extension itself.
 */
import { sign, verify } from 'node:crypto';
import { promisify } from 'node:util';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asnX509 from '@peculiar/asn1-x509';
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import { IdentityError, LocalTlsError } from '../errors.js';
import { decodePem, encodePem, looksLikePem } from '../internal/pem.js';
import { expectSingleSequence, readTlv } from '../internal/der.js';
import { checkInputSize, DEFAULT_MAX_DER_BYTES, type SizeLimitOptions } from '../internal/limits.js';
import { describe, knownKeys } from '../internal/options.js';
import { toBytes, isBinary, type BinaryInput } from '../internal/bytes.js';
import { hostsToSans } from '../cert/host-name.js';
import { formatIpAddress, parseIpAddress } from '../cert/ip-address.js';
import { signatureScheme } from '../cert/algorithms.js';
import { formatName } from '../cert/distinguished-name.js';
import { PrivateKey } from '../identity/private-key.js';
import { checkKeyAlgorithm, DEFAULT_KEY_ALGORITHM, type KeyAlgorithm, type PrivateKeyAlgorithm } from '../identity/key-algorithm.js';
import { simpleName } from './certificate-builder.js';

const signAsync = promisify(sign);
const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

/** A signing request made on a device: its PEM (to send to the CA) and the key (to keep). */
export interface SigningRequest {
  /** PKCS#10 "CERTIFICATE REQUEST" PEM. */
  csrPem: string;
  /** The new private key. It never leaves the device. */
  privateKey: PrivateKey;
}

/** Options for {@link createSigningRequest}. */
export interface SigningRequestOptions {
  /** Names and addresses to ask for (the CA may override them). */
  hosts: string[];
  /** Key algorithm (default 'ecdsa-p256'). */
  keyAlgorithm?: KeyAlgorithm;
  /** Subject common name (default: the first host). */
  commonName?: string;
  /** Reuse an existing key instead of generating one. */
  privateKey?: PrivateKey;
}

function signatureFor(algorithm: PrivateKeyAlgorithm): { id: asnX509.AlgorithmIdentifier; hash: string | null } {
  if (algorithm === 'ed25519') return { id: new asnX509.AlgorithmIdentifier({ algorithm: '1.3.101.112' }), hash: null };
  if (algorithm.startsWith('rsa-')) return { id: new asnX509.AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: new Uint8Array([5, 0]).buffer }), hash: 'sha256' };
  const oid = { 'ecdsa-p256': '1.2.840.10045.4.3.2', 'ecdsa-p384': '1.2.840.10045.4.3.3', 'ecdsa-p521': '1.2.840.10045.4.3.4' }[algorithm as 'ecdsa-p256'];
  const hash = { 'ecdsa-p256': 'sha256', 'ecdsa-p384': 'sha384', 'ecdsa-p521': 'sha512' }[algorithm as 'ecdsa-p256'];
  return { id: new asnX509.AlgorithmIdentifier({ algorithm: oid }), hash };
}

/**
 * Makes a key and a CSR on the device.
 *
 * @example
 * ```ts
 * const { csrPem, privateKey } = await createSigningRequest({ hosts: ['listener-name.local', '192.168.1.20'] });
 * // send csrPem to the CA; keep privateKey
 * ```
 */
export async function createSigningRequest(options: SigningRequestOptions): Promise<SigningRequest> {
  if (!options || typeof options !== 'object') throw new IdentityError('INVALID_OPTION', `createSigningRequest: expected { hosts }; found ${describe(options)}`);
  knownKeys('createSigningRequest', options, ['hosts', 'keyAlgorithm', 'commonName', 'privateKey']);
  const sans = hostsToSans(options.hosts);
  const privateKey = options.privateKey ?? await PrivateKey.generate(checkKeyAlgorithm('keyAlgorithm', options.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM));
  const commonName = options.commonName ?? sans[0]!.value;
  const sanExtension = new asnX509.Extension({
    extnID: asnX509.id_ce_subjectAltName,
    critical: false,
    extnValue: new OctetString(AsnConvert.serialize(new asnX509.SubjectAlternativeName(
      sans.map((s) => new asnX509.GeneralName(s.type === 'dns' ? { dNSName: s.value } : { iPAddress: s.value })),
    ))),
  });
  const info = new CertificationRequestInfo({
    version: 0,
    subject: simpleName(commonName),
    subjectPKInfo: AsnConvert.parse(privateKey.spki(), asnX509.SubjectPublicKeyInfo),
  });
  info.attributes.push(new asnX509.Attribute({ type: EXTENSION_REQUEST, values: [AsnConvert.serialize(new asnX509.Extensions([sanExtension]))] }));
  const infoDer = new Uint8Array(AsnConvert.serialize(info));
  const alg = signatureFor(privateKey.algorithm);
  const signature = await signAsync(alg.hash, infoDer, privateKey.keyObject());
  const csr = new CertificationRequest({ certificationRequestInfo: info, signatureAlgorithm: alg.id, signature: new Uint8Array(signature).buffer });
  return { csrPem: encodePem('CERTIFICATE REQUEST', new Uint8Array(AsnConvert.serialize(csr))), privateKey };
}

/** What the CA reads from a CSR once its signature has been checked. */
export interface ParsedSigningRequest {
  /** Subject as RFC 4514 text. */
  subject: string;
  /** The subject's common name, if any. */
  commonName: string | undefined;
  /** The requested SANs (DNS and IP). */
  requestedHosts: string[];
  /** The public key's SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
}

function badCsr(message: string, cause?: unknown): LocalTlsError {
  return new IdentityError('BAD_CSR', message, { cause, hint: 'make a new request with createSigningRequest() or `localtls request`' });
}

/**
 * Decodes a CSR (PEM or DER) and checks its self-signature (proof that the requester holds the key).
 * @throws IdentityError MALFORMED (not a CSR), BAD_CSR (signature fails or unsupported algorithm)
 */
export function parseSigningRequest(input: string | BinaryInput, options?: SizeLimitOptions): ParsedSigningRequest {
  let der: Uint8Array;
  if (typeof input === 'string') {
    checkInputSize('CSR PEM', input.length, options, DEFAULT_MAX_DER_BYTES * 2);
    if (!looksLikePem(input)) throw new IdentityError('MALFORMED', `CSR: expected PEM with "-----BEGIN CERTIFICATE REQUEST-----"; found ${describe(input)}`);
    const block = decodePem(input, 'CSR PEM').find((b) => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST');
    if (!block) throw new IdentityError('MALFORMED', 'CSR PEM: expected a CERTIFICATE REQUEST block; found other blocks');
    der = block.der;
  } else if (isBinary(input)) der = toBytes(input);
  else throw new IdentityError('MALFORMED', `CSR: expected PEM text or DER bytes; found ${describe(input)}`);

  checkInputSize('CSR', der.length, options, DEFAULT_MAX_DER_BYTES);
  const outer = expectSingleSequence(der, 'CSR');
  const infoTlv = readTlv(der, outer.contentStart, 'CSR');
  let csr: CertificationRequest;
  try {
    csr = AsnConvert.parse(der, CertificationRequest);
  } catch (cause) {
    throw new IdentityError('MALFORMED', `CSR: expected a PKCS#10 CertificationRequest; found ${der.length} bytes that do not decode as one`, { cause });
  }
  const spki = new Uint8Array(AsnConvert.serialize(csr.certificationRequestInfo.subjectPKInfo));
  const scheme = signatureScheme(csr.signatureAlgorithm);
  if (scheme.scheme === 'unknown' || scheme.hash === 'md5' || scheme.hash === 'sha1') {
    throw badCsr(`CSR: expected a SHA-2, ECDSA or Ed25519 signature; found ${scheme.name}`);
  }
  let valid = false;
  try {
    const key = { key: Buffer.from(spki), format: 'der' as const, type: 'spki' as const };
    valid = verify(scheme.scheme === 'ed25519' ? null : scheme.hash, der.subarray(infoTlv.start, infoTlv.end), key, new Uint8Array(csr.signature));
  } catch (cause) {
    throw badCsr('CSR: its public key cannot verify signatures (unsupported or damaged key)', cause);
  }
  if (!valid) throw badCsr('CSR: expected a signature made with the requested key; found one that does not verify (the request was altered or damaged)');

  const requestedHosts: string[] = [];
  for (const attribute of csr.certificationRequestInfo.attributes) {
    if (attribute.type !== EXTENSION_REQUEST) continue;
    for (const value of attribute.values) {
      const extensions = AsnConvert.parse(value, asnX509.Extensions);
      for (const ext of extensions) {
        if (ext.extnID !== asnX509.id_ce_subjectAltName) continue;
        for (const name of AsnConvert.parse(ext.extnValue.buffer, asnX509.SubjectAlternativeName)) {
          if (name.dNSName) requestedHosts.push(name.dNSName);
          else if (name.iPAddress) {
            const bytes = parseIpAddress(name.iPAddress);
            if (bytes) requestedHosts.push(formatIpAddress(bytes));
          }
        }
      }
    }
  }
  const subject = csr.certificationRequestInfo.subject;
  const cn = subject.flatMap((rdn) => [...rdn]).find((a) => a.type === '2.5.4.3')?.value.toString();
  return { subject: formatName(subject), commonName: cn, requestedHosts, spki };
}
