/** Reads the peer's certificate chain from a node:tls socket, leaf first, as Certificates. */
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
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
  const out: Certificate[] = [];
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true) as DetailedPeerCertificate | undefined;
  const seen = new Set<string>();
  while (cert && cert.raw && out.length < MAX_CHAIN) {
    if (seen.has(cert.fingerprint256)) break;
    seen.add(cert.fingerprint256);
    try { out.push(parse(cert.fingerprint256, cert.raw)); } catch { break; }
    cert = cert.issuerCertificate;
  }
  return out;
}
