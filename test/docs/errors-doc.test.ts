import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('docs/errors.md documents every error code declared in src/errors.ts and raised anywhere in src/', async () => {
  const doc = await readFile('docs/errors.md', 'utf8');
  const declared = [...(await readFile('src/errors.ts', 'utf8')).matchAll(/^\s*\| '([A-Z_]+)'/gm)].map((m) => m[1]!);
  assert.ok(declared.length > 30, 'the ErrorCode union was found');
  const raised = new Set<string>();
  for (const file of await sourceFiles('src')) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/new [A-Za-z]*Error\(\s*'([A-Z][A-Z0-9_]+)'/g)) raised.add(match[1]!);
  }
  for (const code of raised) assert.ok(declared.includes(code), `${code} is raised in src/ but is not in the ErrorCode union`);
  const missing = declared.filter((code) => !doc.includes(`\`${code}\``));
  assert.deepEqual(missing, [], `codes missing from docs/errors.md: ${missing.join(', ')}`);
});
