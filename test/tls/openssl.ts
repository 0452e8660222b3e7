/** Helpers to run the openssl CLI against our listener and to host an `openssl s_server`. Loopback only. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp directory removed by `cleanup()`. */
export function tempDir(): { dir: string; file(name: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'localtls-tls-'));
  return { dir, file: (name, text) => { const p = join(dir, name); writeFileSync(p, text); return p; }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs openssl with `args`, stdin closed at once; resolves with exit code and output (bounded to 15 s). */
export function runOpenssl(args: string[], stdin = ''): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
    child.stdin.end(stdin);
  });
}

/** `host:port` for s_client's -connect (brackets for IPv6). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Starts `openssl s_server` on `host` port 0; resolves once it prints the port. */
export function startSServer(host: string, certFile: string, keyFile: string, extra: string[] = []): Promise<{ port: number; child: ChildProcess; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const args = ['s_server', ...(host.includes(':') ? ['-6'] : []), '-accept', hostPort(host, 0), '-cert', certFile, '-key', keyFile, ...extra];
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`s_server did not start: ${out}`)); }, 10_000);
    const stop = () => new Promise<void>((r) => { if (child.exitCode !== null || child.signalCode !== null) { r(); return; } child.once('close', () => r()); child.kill('SIGKILL'); });
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /ACCEPT .*:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ port: Number(m[1]), child, stop }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}
