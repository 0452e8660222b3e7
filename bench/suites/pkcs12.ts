/**
 * PKCS#12 import next to Node's native loader (`tls.createSecureContext({ pfx })`, OpenSSL in C, which
 * also blocks the event loop for the whole derivation) and next to the `openssl pkcs12` CLI (process
 * start included, so it flatters us for small files). Files: P-256 identity with its CA, 2048
 * iterations, as `toPKCS12` writes them; plus an OpenSSL 1.x-style RC2-40 file Node cannot read.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { CertificateAuthority, Identity } from '../../src/index.js';
import { compare, type Row, type Suite } from '../harness.js';

function openssl(args: readonly string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

export const pkcs12Suite: Suite = {
  name: 'pkcs12',
  async run(): Promise<Row[]> {
    const rows: Row[] = [];
    const ca = await CertificateAuthority.create({ commonName: 'Bench CA' });
    const identity = await ca.issue({ hosts: ['listener-name.local'] });
    const dir = mkdtempSync(join(tmpdir(), 'localtls-bench-'));
    try {
      for (const profile of ['compatible', 'modern'] as const) {
        const pfx = Buffer.from(await identity.toPKCS12('bench', { profile }));
        rows.push(await compare({
          name: `PKCS#12 import ('${profile}')`, unit: 'imports/s', iterations: 10, rounds: 5,
          baselineName: 'tls.createSecureContext({ pfx }) (native)',
          ours: async () => { await Identity.fromPKCS12(pfx, 'bench'); },
          baseline: () => { createSecureContext({ pfx, passphrase: 'bench' }); },
        }));
        const file = join(dir, `${profile}.p12`);
        writeFileSync(file, pfx);
        rows.push(await compare({
          name: `PKCS#12 import ('${profile}')`, unit: 'imports/s', iterations: 10, rounds: 3,
          baselineName: 'openssl pkcs12 (CLI, process start included)',
          ours: async () => { await Identity.fromPKCS12(pfx, 'bench'); },
          baseline: () => openssl(['pkcs12', '-in', file, '-passin', 'pass:bench', '-nodes', '-out', '/dev/null']),
        }));
      }
      // An OpenSSL 1.x / macOS-style file (RC2-40 certificates, 3DES key): Node cannot load it natively.
      const keyFile = join(dir, 'key.pem');
      const certFile = join(dir, 'cert.pem');
      const legacyFile = join(dir, 'legacy.p12');
      writeFileSync(keyFile, identity.privateKey.toPEM());
      writeFileSync(certFile, identity.chain.map((c) => c.toPEM()).join(''));
      execFileSync('openssl', ['pkcs12', '-export', '-legacy', '-inkey', keyFile, '-in', certFile, '-passout', 'pass:bench', '-out', legacyFile], { stdio: 'ignore' });
      const legacy = new Uint8Array(execFileSync('cat', [legacyFile]));
      rows.push(await compare({
        name: 'PKCS#12 import (RC2-40 legacy)', unit: 'imports/s', iterations: 10, rounds: 3,
        baselineName: 'openssl pkcs12 -legacy (CLI, process start included)',
        ours: async () => { await Identity.fromPKCS12(legacy, 'bench'); },
        baseline: () => openssl(['pkcs12', '-legacy', '-in', legacyFile, '-passin', 'pass:bench', '-nodes', '-out', '/dev/null']),
      }));
      const compatible = Buffer.from(await identity.toPKCS12('bench'));
      rows.push(await compare({
        name: "PKCS#12 export ('compatible')", unit: 'exports/s', iterations: 10, rounds: 5,
        baselineName: "our PKCS#12 import ('compatible'), same KDF work (for scale)",
        ours: async () => { await identity.toPKCS12('bench'); },
        baseline: async () => { await Identity.fromPKCS12(compatible, 'bench'); },
      }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
