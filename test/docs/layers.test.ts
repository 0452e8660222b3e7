import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { typeScriptFiles } from '../helpers/source-files.js';

/** The one-way layer order of DESIGN.md / docs/design.md. A module imports only earlier layers and its own. */
const ORDER = ['errors', 'internal', 'cert', 'identity', 'ca', 'trust', 'store', 'tls', 'discovery', 'transport', 'http', 'pairing', 'index', 'danger', 'cli'];

function layerOf(path: string): string {
  const rel = path.replace(/^src\//, '');
  return rel.includes('/') ? rel.split('/')[0]! : rel.replace(/\.ts$/, '');
}


test('imports under src/ only go to earlier layers (data flows one way)', async () => {
  const violations: string[] = [];
  for (const file of await typeScriptFiles('src')) {
    const from = layerOf(file);
    const fromIndex = ORDER.indexOf(from);
    assert.ok(fromIndex >= 0, `${file} is in an unknown layer '${from}'; add it to ORDER and docs/design.md`);
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)) {
      const target = join(file, '..', match[1]!).replace(/\.js$/, '.ts');
      const to = layerOf(target);
      const toIndex = ORDER.indexOf(to);
      if (to !== from && toIndex > fromIndex && !(from === 'index' || from === 'danger' || from === 'cli')) violations.push(`${file} (${from}) imports ${match[1]} (${to})`);
      if ((from === 'cli') && to !== 'cli' && to !== 'index' && to !== 'danger' && to !== 'errors') violations.push(`${file}: the CLI must use the public API only; imports ${match[1]}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('rejectUnauthorized: false appears in exactly one file under src/', async () => {
  const hits: string[] = [];
  for (const file of await typeScriptFiles('src')) {
    if (/rejectUnauthorized:\s*false/.test(await readFile(file, 'utf8'))) hits.push(file);
  }
  assert.ok(hits.length <= 1, `found in ${hits.join(', ')}`);
});
