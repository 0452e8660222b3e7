/** Trust verdicts for people: what failed, on which certificate, and the command that fixes it. */
import { isIP } from 'node:net';
import type { TrustFinding, TrustResult } from '../index.js';
import type { Output } from './output.js';

/** What to do about a finding, in CLI terms. `host` is what was dialed or checked, if any. */
export function fixFor(code: TrustFinding['code'], host: string | undefined): string {
  switch (code) {
    case 'NOT_TRUSTED':
      return "install the issuing CA's root: on the CA machine `localtls ca export --out root.pem`, here `localtls trust add root.pem` (or pass --ca root.pem)";
    case 'HOSTNAME_MISMATCH':
      return host && isIP(host)
        ? `reissue with the address: \`localtls issue <names…> ${host}\`; or dial a name the certificate lists; or, for an address missing from the certificate, accept the basic X.509 policy (connect --basic)`
        : `dial a name the certificate lists, or reissue it with that name: \`localtls issue ${host ?? '<name>'} …\``;
    case 'EXPIRED':
    case 'NOT_YET_VALID':
      return "check both machines' clocks; if they are right, reissue the certificate (`localtls issue …`)";
    case 'BAD_EXTENDED_KEY_USAGE':
      return 'reissue it as a server certificate (`localtls issue` without --client)';
    case 'BAD_KEY_USAGE':
      return 'reissue it with `localtls issue` (its key usage does not allow this use)';
    case 'NOT_A_CA':
    case 'PATH_LENGTH_EXCEEDED':
      return 'the issuer is not allowed to issue certificates: issue from a real CA (`localtls ca create`)';
    case 'NAME_CONSTRAINTS':
      return "the CA's name constraints exclude this name: use a .local/.home.arpa/.internal/.lan name or a private address";
    case 'BAD_SIGNATURE':
      return 'the certificate was altered or signed by a different key: get a fresh copy, or reissue it';
    case 'WEAK_KEY':
    case 'WEAK_SIGNATURE':
      return 'reissue with a modern key and signature (`localtls issue` uses ECDSA P-256 with SHA-256)';
    case 'UNKNOWN_CRITICAL_EXTENSION':
      return 'reissue it without the unknown critical extension';
    case 'PIN_MISMATCH':
      return 'the key changed: confirm the new key with its owner, then update the pin';
    case 'MALFORMED':
      return 'the certificate does not decode: get a fresh copy of the file';
    default:
      return 'see docs/errors.md';
  }
}

/** A verdict as JSON. */
export function verdictJson(result: TrustResult, policy: string): Record<string, unknown> {
  return {
    policy,
    trusted: result.trusted,
    error: result.error ? { ...result.error } : null,
    findings: result.findings.map((f) => ({ ...f })),
    chain: result.chain.map((c) => ({ subject: c.subject, fingerprintSha256: c.fingerprintSha256 })),
  };
}

/** Prints a verdict: one line, then every finding with its fix. */
export function printVerdict(out: Output, result: TrustResult, policy: string, host: string | undefined): void {
  if (result.trusted) {
    out.line(`${out.style('green', '✓ trusted')} under ${policy}`);
    return;
  }
  out.line(`${out.style('red', '✗ not trusted')} under ${policy}`);
  for (const f of result.findings) {
    out.line(`  ${out.style('bold', f.code)}${f.certificateIndex === undefined ? '' : ` [certificate ${f.certificateIndex}]`}: ${f.message}`);
    out.line(`    fix: ${fixFor(f.code, host)}`);
  }
}
