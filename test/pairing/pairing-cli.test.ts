/** `localtls pair` and `localtls join` end to end: two homes, two processes, loopback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, startCli, tempDir, type CliResult } from '../cli/cli-helpers.js';

const PASS = 'pairing cli passphrase';

function ok(r: CliResult): CliResult {
  assert.equal(r.code, 0, `expected exit 0; got ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
}

test('localtls pair + localtls join: a wrong code is refused, the right one pairs the device and stores identity and root', async () => {
  const { dir, cleanup } = await tempDir();
  const caHome = join(dir, 'ca-home');
  const deviceHome = join(dir, 'device-home');
  const lt = (args: string[], home: string) => cli([...args, '--home', home], { cwd: dir, env: { LOCALTLS_PASSPHRASE: PASS } });
  try {
    ok(await lt(['ca', 'create', '--name', 'Front Desk CA'], caHome));
    const pair = await startCli(['pair', '--host', '127.0.0.1', '--port', '0', '--profile', 'client', '--yes', '--no-qr', '--home', caHome],
      /pairing code: (\S+)[\s\S]*listening on port (\d+)[\s\S]*root SHA-256 ([0-9A-F: ]+)\n/, { cwd: dir, env: { LOCALTLS_PASSPHRASE: PASS } });
    try {
      const [, code, port] = pair.match as unknown as [string, string, string];
      const fingerprint = pair.match[3]!.replace(/[\s:]/g, '');
      const exited = new Promise<number | null>((resolve) => { if (pair.child.exitCode !== null) resolve(pair.child.exitCode); else pair.child.on('close', resolve); });

      const wrong = await lt(['join', '127.0.0.1', '--port', port, '--code', code.startsWith('2') ? `3${code.slice(1)}` : `2${code.slice(1)}`], deviceHome);
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /PAIRING_CODE_WRONG/);

      const joined = ok(await lt(['join', '127.0.0.1', '--port', port, '--code', code, '--fingerprint', fingerprint, '--name', 'tablet-3.local', '--label', 'tablet'], deviceHome));
      assert.match(joined.stdout, /paired as client: identity 'tablet'/);
      assert.equal(await exited, 0, pair.output().stderr);
      assert.match(pair.output().stdout, /paired: CN=tablet-3\.local as client/);
      assert.match(pair.output().stderr, /device asks to join: tablet-3\.local \[tablet-3\.local\]/);

      assert.match(ok(await lt(['store', 'list'], deviceHome)).stdout, /tablet/);
      assert.match(ok(await lt(['trust', 'list'], deviceHome)).stdout, /Front Desk CA/);
      const replay = await lt(['join', '127.0.0.1', '--port', port, '--code', code], deviceHome);
      assert.notEqual(replay.code, 0, 'the endpoint is gone once the code paired a device');
    } finally {
      await pair.stop();
    }
  } finally {
    await cleanup();
  }
});
