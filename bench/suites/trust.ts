/**
 * evaluateTrust of a 3-certificate P-256 chain (leaf, intermediate, root anchor), cold and warm,
 * next to Node's X509Certificate walking the same chain (checkIssued + verify per link), which is
 * the least a correct evaluation must do. Targets (issue 4): warm ≤ 50 µs, cold ≤ 2 ms (median).
 *
 * Rows:
 * - cold, DER input: parse three certificates + build + check, no cache; baseline parses three
 *   X509Certificates from DER and verifies both links.
 * - cold, parsed input: fresh Certificate objects (as a verify hook receives them), no cache, so
 *   signatures are verified afresh; baseline uses already-parsed X509Certificates.
 * - warm: the same DER inputs again, served from the verdict cache; baseline as above.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Certificate } from '../../src/cert/certificate.js';
import { clearTrustCache, evaluateTrustSync } from '../../src/trust/index.js';
import { compare, customRow, scaled, type Row, type Suite } from '../harness.js';

const VECTORS = fileURLToPath(new URL('../../../test/vectors/trust/', import.meta.url));
const TIME = new Date('2030-01-01T00:00:00Z');

function der(name: string): Uint8Array {
  return new Uint8Array(new X509Certificate(readFileSync(`${VECTORS}${name}.pem`)).raw);
}

function nodeWalk(leaf: X509Certificate, int: X509Certificate, root: X509Certificate): void {
  const ok = leaf.checkIssued(int) && leaf.verify(int.publicKey) && int.checkIssued(root) && int.verify(root.publicKey);
  if (!ok) throw new Error('baseline chain does not verify');
}

function check(trusted: boolean): void {
  if (!trusted) throw new Error('bench chain is not trusted');
}

function medianMicros(op: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    op();
    times.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

export const trustSuite: Suite = {
  name: 'trust',
  async run(): Promise<Row[]> {
    const chain = [der('leaf'), der('int')];
    const anchor = der('root');
    const rows: Row[] = [];
    const nodeParsed = [new X509Certificate(chain[0]!), new X509Certificate(chain[1]!), new X509Certificate(anchor)] as const;

    rows.push(await compare({
      name: 'evaluateTrust cold, DER input (3× P-256)', unit: 'evaluations/s', iterations: 20, rounds: 5,
      baselineName: 'X509Certificate parse + checkIssued/verify walk',
      ours: () => check(evaluateTrustSync(chain, { anchors: [anchor], time: TIME, cache: false }).trusted),
      baseline: () => nodeWalk(new X509Certificate(chain[0]!), new X509Certificate(chain[1]!), new X509Certificate(anchor)),
    }));

    const iterations = scaled(60);
    const rounds = 5;
    const sets = Array.from({ length: iterations * rounds + 1 }, () => [Certificate.from(chain[0]!), Certificate.from(chain[1]!), Certificate.from(anchor)]);
    let next = 0;
    rows.push(await compare({
      name: 'evaluateTrust cold, parsed input (3× P-256)', unit: 'evaluations/s', iterations, rounds,
      baselineName: 'X509Certificate checkIssued/verify walk (parsed)',
      ours: () => {
        const [leaf, int, root] = sets[next++ % sets.length]!;
        check(evaluateTrustSync([leaf!, int!], { anchors: [root!], time: TIME, cache: false }).trusted);
      },
      baseline: () => nodeWalk(...nodeParsed),
    }));

    clearTrustCache();
    rows.push(await compare({
      name: 'evaluateTrust warm (cache hit, DER input)', unit: 'evaluations/s', iterations: 2000, rounds: 5,
      baselineName: 'X509Certificate checkIssued/verify walk (parsed)',
      ours: () => check(evaluateTrustSync(chain, { anchors: [anchor], time: TIME }).trusted),
      baseline: () => nodeWalk(...nodeParsed),
    }));

    const warm = medianMicros(() => check(evaluateTrustSync(chain, { anchors: [anchor], time: TIME }).trusted), 2001);
    const walk = medianMicros(() => nodeWalk(...nodeParsed), scaled(201));
    rows.push(customRow('evaluateTrust warm median latency (target ≤ 50)', 'µs', warm, walk, 'X509Certificate walk (parsed)', false));
    // Fresh Certificate objects, so no signature result is remembered from the rows above.
    const fresh = Array.from({ length: scaled(101) }, () => [Certificate.from(chain[0]!), Certificate.from(chain[1]!), Certificate.from(anchor)]);
    let k = 0;
    const cold = medianMicros(() => {
      const [leaf, int, root] = fresh[k++]!;
      check(evaluateTrustSync([leaf!, int!], { anchors: [root!], time: TIME, cache: false }).trusted);
    }, fresh.length);
    rows.push(customRow('evaluateTrust cold median latency, parsed input (target ≤ 2000)', 'µs', cold, walk, 'X509Certificate walk (parsed)', false));
    const coldDer = medianMicros(() => check(evaluateTrustSync(chain, { anchors: [anchor], time: TIME, cache: false }).trusted), scaled(51));
    const walkDer = medianMicros(() => nodeWalk(new X509Certificate(chain[0]!), new X509Certificate(chain[1]!), new X509Certificate(anchor)), scaled(51));
    rows.push(customRow('evaluateTrust cold median latency, DER input', 'µs', coldDer, walkDer, 'X509Certificate parse + walk', false));
    return rows;
  },
};
