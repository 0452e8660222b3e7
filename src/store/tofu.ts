/**
 * Trust on first use (TOFU), as SSH does: a verify hook over the known-hosts file. The first
 * connection to host:port records the leaf's public-key pin (SPKI SHA-256), after an optional
 * approval; later connections must present the same key, or a chain that passes a CA recorded for
 * that host (or for all hosts) — the evaluation of evaluateTrust under the TLS server policy. A
 * changed key fails with KNOWN_HOST_CHANGED, showing both fingerprints, until the entry is removed;
 * a host with a CA recorded for it and no key yet must pass that CA (else its verdict's code).
 */
import { ConfigError, TrustError } from '../errors.js';
import { describe, functionOption, knownKeys } from '../internal/options.js';
import type { Certificate } from '../cert/certificate.js';
import { KnownHosts, type KnownHostsOptions } from './known-hosts.js';
import { formatEndpoint } from './host-endpoint.js';
import type { KnownHost } from './known-hosts-file.js';
import type { TrustResult } from '../trust/index.js';

/**
 * The part of a connection's verify-hook context that {@link tofu} reads. The transport's context
 * has more (serverName, evaluate, …); any object with these fields works.
 */
export interface TofuVerifyContext {
  /** The peer's chain as sent, leaf first. */
  readonly peerCertificates: readonly Certificate[];
  /** The host as dialed (name or IP address). */
  readonly host: string;
  /** The port dialed. */
  readonly port: number;
}

/** What {@link tofu}'s `approve` callback is told about a host seen for the first time. */
export interface TofuApproval {
  host: string;
  port: number;
  /** The leaf certificate presented. */
  certificate: Certificate;
  /** Its SHA-256 fingerprint (colon hex), to compare out of band. */
  fingerprintSha256: string;
  /** Its public-key pin (SPKI SHA-256, base64). */
  spkiSha256: string;
}

/** Options of {@link tofu}. */
export interface TofuOptions extends KnownHostsOptions {
  /** Asked before a new host is recorded; return false to refuse the connection. Default: approve every new host. */
  approve?: (info: TofuApproval) => boolean | Promise<boolean>;
  /** The time for validity checks of CA chains. Default: now. */
  time?: Date;
}

/**
 * A verify hook that trusts on first use. First connection to host:port: `approve` (if given) is
 * asked, then the leaf's key is recorded and the hook returns true. Later: true for the same key
 * or a chain that passes a recorded CA ({@link KnownHosts.check}); a different key throws
 * KNOWN_HOST_CHANGED with both fingerprints. A host with a CA recorded for it is never a first use:
 * a chain that does not pass that CA throws the CA's verdict code (BAD_EXTENDED_KEY_USAGE,
 * HOSTNAME_MISMATCH, PATH_LENGTH_EXCEEDED, NAME_CONSTRAINTS, NOT_TRUSTED, …).
 * Returns false when `approve` refuses or the peer sent no certificate.
 *
 * @example
 * ```ts
 * const conn = connect('printer.local', 4433, {
 *   verify: tofu({ approve: ({ fingerprintSha256 }) => askUser(`trust ${fingerprintSha256}?`) }),
 * });
 * ```
 * @throws TrustError KNOWN_HOST_CHANGED, or a trust code of the recorded CA's verdict (from the returned hook)
 */
export function tofu(options: TofuOptions = {}): (ctx: TofuVerifyContext) => Promise<boolean> {
  if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `tofu: expected { file?, approve? }; found ${describe(options)}`);
  knownKeys('tofu', options, ['file', 'approve', 'time', 'allowInsecurePermissions', 'lock']);
  const approve = options.approve === undefined ? undefined : functionOption<NonNullable<TofuOptions['approve']>>('approve', options.approve);
  const { approve: _a, time, ...storeOptions } = options;
  let opened: Promise<KnownHosts> | undefined;
  return async (ctx) => {
    const known = await (opened ??= KnownHosts.open(storeOptions).catch((e: unknown) => { opened = undefined; throw e; }));
    const leaf = ctx.peerCertificates[0];
    if (!leaf) return false;
    const verdict = await known.check(ctx.host, ctx.port, ctx.peerCertificates, time ?? new Date());
    if (verdict.status === 'known' || verdict.status === 'authority') return true;
    if (verdict.status === 'changed') throw changed(known.file, verdict.entry!, leaf, verdict.authority);
    if (verdict.status === 'refused') throw refusedByAuthority(known.file, ctx, verdict.authority!);
    const approval: TofuApproval = { host: ctx.host, port: ctx.port, certificate: leaf, fingerprintSha256: leaf.fingerprintSha256, spkiSha256: leaf.spkiSha256.base64 };
    if (approve && (await approve(approval)) !== true) return false;
    // Another connection may have recorded a key meanwhile: record only if still absent, then compare.
    const entry = await known.recordIfNew(ctx.host, ctx.port, leaf);
    if (entry.spkiSha256 !== leaf.spkiSha256.base64) throw changed(known.file, entry, leaf, undefined);
    return true;
  };
}

function changed(file: string, entry: KnownHost, leaf: Certificate, authority: TrustResult | undefined): TrustError {
  const where = formatEndpoint(entry.host, entry.port);
  const byAuthority = authority ? `; the chain does not pass the CA recorded for it either (${authority.error!.code}: ${authority.error!.message})` : '';
  return new TrustError('KNOWN_HOST_CHANGED',
    `${where}: expected the key recorded on ${entry.addedAt.toISOString()} (certificate SHA-256 ${entry.fingerprintSha256}, key pin ${entry.spkiSha256}); ` +
    `found a different key (certificate SHA-256 ${leaf.fingerprintSha256}, key pin ${leaf.spkiSha256.base64}, subject ${leaf.subject})${byAuthority}`, {
      hint: `if the server's key changed on purpose, check the new fingerprint out of band, then remove the entry: (await KnownHosts.open({ file: '${file}' })).remove('${entry.host}', ${entry.port})`,
      details: {
        host: entry.host, port: entry.port, oldFingerprintSha256: entry.fingerprintSha256, newFingerprintSha256: leaf.fingerprintSha256, oldSpkiSha256: entry.spkiSha256, newSpkiSha256: leaf.spkiSha256.base64,
        ...(authority ? { authorityCode: authority.error!.code, authorityFindings: authority.findings } : {}),
      },
    });
}

/** The recorded CA's refusal as the error: its code (e.g. BAD_EXTENDED_KEY_USAGE) and explanation. */
function refusedByAuthority(file: string, ctx: TofuVerifyContext, authority: TrustResult): TrustError {
  const where = formatEndpoint(ctx.host, ctx.port);
  const error = authority.error!;
  return new TrustError(error.code,
    `${where}: a CA is recorded for this host in ${file}, so its chain must pass that CA; it does not: ${error.message}`, {
      hint: 'the server must present a TLS server certificate for this name issued under the recorded CA; if the host moved to another CA, remove the authority with known.removeAuthority(fingerprint)',
      details: { host: ctx.host, port: ctx.port, findings: authority.findings },
    });
}
