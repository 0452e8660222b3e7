/** Lists the TypeScript files under a folder (recursively), for tests that read the source. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every `.ts` file below `dir`, depth first. */
export async function typeScriptFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await typeScriptFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}
