/** Points LOCALTLS_HOME at a fresh temp directory for one test; restored and removed after it. */
import type { TestContext } from 'node:test';
import { makeTempDir } from './temp-dir.js';

/** Sets LOCALTLS_HOME to a new temp dir until `t` ends; returns the dir. */
export async function useTempLocaltlsHome(t: TestContext): Promise<string> {
  const { dir, cleanup } = await makeTempDir();
  const saved = process.env.LOCALTLS_HOME;
  process.env.LOCALTLS_HOME = dir;
  t.after(async () => {
    if (saved === undefined) delete process.env.LOCALTLS_HOME; else process.env.LOCALTLS_HOME = saved;
    await cleanup();
  });
  return dir;
}
