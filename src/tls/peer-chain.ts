/** Reads the peer's certificate chain from a node:tls socket, leaf first, as Certificates. */
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { Certificate } from '../cert/certificate.js';

const MAX_CHAIN = 10;
const parsed = new Map<string, Certificate>();
const MAX_PARSED = 256;

function parse(fingerprint: string, raw: Buffer): Certificate {
  let cert = parsed.get(fingerprint);
  if (!cert) {
    cert = Certificate.from(new Uint8Array(raw));
    parsed.set(fingerprint, cert);
    if (parsed.size > MAX_PARSED) parsed.delete(parsed.keys().next().value as string);
  }
  return cert;
}

/**
 * The chain the peer presented, leaf first (empty when it presented none, and on a client's
 * resumed session, where node:tls has no peer certificate). Unreadable certificates end the chain.
 * @example `const chain = peerChain(socket); chain[0]?.subjectAltNames`
 */
export function peerChain(socket: TLSSocket): Certificate[] {
  // getPeerX509Certificate() is native and lazy; getPeerCertificate(true) would build a JavaScript
  // object with every decoded field of every certificate on each handshake (measured: most of the
  // CPU time of a resumed connection).
  const out: Certificate[] = [];
  let cert: X509Certificate | undefined = socket.getPeerX509Certificate();
  const seen = new Set<string>();
  while (cert && out.length < MAX_CHAIN) {
    const fingerprint = cert.fingerprint256;
    if (seen.has(fingerprint)) break;
    seen.add(fingerprint);
    try { out.push(parse(fingerprint, cert.raw)); } catch { break; }
    cert = cert.issuerCertificate;
  }
  return out;
}
