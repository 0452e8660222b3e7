/**
 * CA creation and leaf issuance per second (P-256, RSA-2048), next to the raw cost floor measured
 * with Node's crypto alone (key generation + one signature over a certificate-sized message), and
 * next to the openssl CLI doing the same job (process start included), interleaved like every row.
 */
import { generateKeyPair, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { execFileSync } from 'node:child_process';
import { CertificateAuthority, type KeyAlgorithm } from '../../src/index.js';
import { compare, type Row, type Suite } from '../harness.js';

const generate = promisify(generateKeyPair);
const signAsync = promisify(sign);
const tbs = new Uint8Array(450).fill(7);

async function rawKeyAndSign(algorithm: KeyAlgorithm): Promise<void> {
  const pair = algorithm === 'rsa-2048'
    ? await generate('rsa', { modulusLength: 2048 })
    : await generate('ec', { namedCurve: 'prime256v1' });
  await signAsync('sha256', tbs, pair.privateKey);
}

function opensslCa(keyArgs: readonly string[]): void {
  execFileSync('openssl', ['req', '-x509', ...keyArgs, '-nodes', '-keyout', '/dev/null', '-subj', '/CN=Bench CA', '-days', '3650', '-out', '/dev/null'], { stdio: 'ignore' });
}

export const caSuite: Suite = {
  name: 'ca',
  async run(): Promise<Row[]> {
    const rows: Row[] = [];
    for (const [algorithm, iterations, opensslArgs] of [['ecdsa-p256', 30, ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']], ['rsa-2048', 4, ['-newkey', 'rsa:2048']]] as const) {
      const ca = await CertificateAuthority.create({ commonName: 'Bench CA', keyAlgorithm: algorithm });
      rows.push(await compare({
        name: `CA creation (${algorithm})`, unit: 'CAs/s', iterations, rounds: 5, baselineName: 'Node crypto keygen+sign (floor)',
        ours: async () => { await CertificateAuthority.create({ commonName: 'Bench CA', keyAlgorithm: algorithm }); },
        baseline: () => rawKeyAndSign(algorithm),
      }));
      rows.push(await compare({
        name: `leaf issuance (${algorithm})`, unit: 'leaves/s', iterations, rounds: 5, baselineName: 'Node crypto keygen+sign (floor)',
        ours: async () => { await ca.issue({ hosts: ['listener-name.local', '192.168.1.20'], keyAlgorithm: algorithm }); },
        baseline: () => rawKeyAndSign(algorithm),
      }));
      rows.push(await compare({
        name: `CA creation (${algorithm})`, unit: 'CAs/s', iterations: algorithm === 'rsa-2048' ? 3 : 10, rounds: 3,
        baselineName: 'openssl req -x509 (CLI, process start included)',
        ours: async () => { await CertificateAuthority.create({ commonName: 'Bench CA', keyAlgorithm: algorithm }); },
        baseline: () => opensslCa(opensslArgs),
      }));
    }
    return rows;
  },
};
