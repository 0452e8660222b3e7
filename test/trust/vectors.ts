/** Helpers for the trust tests: load the openssl-generated vectors and run `openssl verify`. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TrustPolicy } from '../../src/trust/index.js';

/** test/vectors/trust, found from dist/test/trust or test/trust. */
export const VECTORS = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../test/vectors/trust/' : '../vectors/trust/', import.meta.url));

/** The PEM text of one vector. */
export function pem(name: string): string {
  return readFileSync(join(VECTORS, `${name}.pem`), 'utf8');
}

/** The evaluation time used with every vector (they are valid 2020-01-01 .. 2120-01-01). */
export const TIME = new Date('2030-01-01T00:00:00Z');

/** True when the openssl CLI can be run. */
export const HAVE_OPENSSL = spawnSync('openssl', ['version']).status === 0;
if (!HAVE_OPENSSL) throw new Error('the openssl CLI is required by the trust tests (apt-get install openssl; .ci/run installs it)');

/**
 * Runs `openssl verify -x509_strict -partial_chain -attime T` with the anchors as CAfile and the
 * rest of the chain as untrusted, plus the policy's flags. Returns true when openssl says OK.
 */
export function opensslVerify(chain: string[], anchors: string[], policy: TrustPolicy | undefined, time = TIME): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'localtls-trust-'));
  try {
    writeFileSync(join(dir, 'leaf.pem'), pem(chain[0]!));
    writeFileSync(join(dir, 'anchors.pem'), anchors.map(pem).join(''));
    const args = ['verify', '-x509_strict', '-partial_chain', '-attime', String(Math.floor(time.getTime() / 1000)), '-CAfile', join(dir, 'anchors.pem')];
    if (chain.length > 1) {
      writeFileSync(join(dir, 'untrusted.pem'), chain.slice(1).map(pem).join(''));
      args.push('-untrusted', join(dir, 'untrusted.pem'));
    }
    if (policy?.kind === 'ssl') {
      args.push('-auth_level', '2', '-purpose', policy.server === false ? 'sslclient' : 'sslserver');
      if (policy.hostname !== undefined) {
        args.push(/^[\d.]+$|:/.test(policy.hostname) ? '-verify_ip' : '-verify_hostname', policy.hostname);
      }
    } else {
      args.push('-auth_level', '1');
    }
    args.push(join(dir, 'leaf.pem'));
    const run = spawnSync('openssl', args, { encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`;
    return { ok: run.status === 0 && /: OK\s*$/.test(run.stdout), output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
