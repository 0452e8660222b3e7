/**
 * `npm run bench [-- --json] [-- suite-name ...]`: runs every suite and prints one table.
 * Ratios > 1 mean localtls is faster than the baseline (for latencies, lower time).
 */
import { printTable, type Row, type Suite } from './harness.js';
import { caSuite } from './suites/ca.js';
import { trustSuite } from './suites/trust.js';
import { pkcs12Suite } from './suites/pkcs12.js';
import { transportSuite } from './suites/transport.js';

const suites: Suite[] = [caSuite, trustSuite, pkcs12Suite, transportSuite];

const args = process.argv.slice(2);
const json = args.includes('--json');
const wanted = args.filter((a) => !a.startsWith('--'));
const rows: Row[] = [];
for (const suite of suites) {
  if (wanted.length > 0 && !wanted.includes(suite.name)) continue;
  if (!json) console.error(`running ${suite.name} ...`);
  rows.push(...(await suite.run()));
}
if (json) console.log(JSON.stringify({ node: process.version, date: new Date().toISOString(), rows }, null, 2));
else console.log(`\nNode ${process.version}, ${new Date().toISOString()}\n\n${printTable(rows)}`);
