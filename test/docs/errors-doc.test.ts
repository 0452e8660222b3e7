import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { typeScriptFiles } from '../helpers/source-files.js';


test('docs/errors.md documents every error code declared in src/errors.ts and raised anywhere in src/', async () => {
  const doc = await readFile('docs/errors.md', 'utf8');
  const declared = [...(await readFile('src/errors.ts', 'utf8')).matchAll(/^\s*\| '([A-Z_]+)'/gm)].map((m) => m[1]!);
  assert.ok(declared.length > 30, 'the ErrorCode union was found');
  const raised = new Set<string>();
  for (const file of await typeScriptFiles('src')) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/new [A-Za-z]*Error\(\s*'([A-Z][A-Z0-9_]+)'/g)) raised.add(match[1]!);
  }
  for (const code of raised) assert.ok(declared.includes(code), `${code} is raised in src/ but is not in the ErrorCode union`);
  const missing = declared.filter((code) => !doc.includes(`\`${code}\``));
  assert.deepEqual(missing, [], `codes missing from docs/errors.md: ${missing.join(', ')}`);
});
