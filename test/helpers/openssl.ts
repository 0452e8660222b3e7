/** Runs the openssl CLI (a real, independent peer) and returns its exit code and output. */
import { execFile } from 'node:child_process';

/** Result of one openssl run. */
export interface OpensslResult { code: number; stdout: string; stderr: string }

/** Runs `openssl ...args` with a 30 s limit; never throws for a non-zero exit. */
export function openssl(args: string[], input?: string): Promise<OpensslResult> {
  return new Promise((resolve) => {
    const child = execFile('openssl', args, { timeout: 30_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
