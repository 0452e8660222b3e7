/** CLI output rules: colour only on a terminal, never with NO_COLOR or --no-color; errors as `CODE: message` + hint. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalTlsError } from '../../src/index.js';
import { Output, useColor } from '../../src/cli/output.js';

function sink(isTTY: boolean): { write(t: string | Uint8Array): boolean; isTTY: boolean; text: string } {
  return { isTTY, text: '', write(t) { this.text += String(t); return true; } };
}

test('colour only on a terminal, and never when NO_COLOR is set, TERM=dumb or --no-color', () => {
  assert.equal(useColor(sink(true), {}, false), true);
  assert.equal(useColor(sink(false), {}, false), false);
  assert.equal(useColor(sink(true), { NO_COLOR: '1' }, false), false);
  assert.equal(useColor(sink(true), { NO_COLOR: '' }, false), true, 'an empty NO_COLOR does not count (no-color.org)');
  assert.equal(useColor(sink(true), { TERM: 'dumb' }, false), false);
  assert.equal(useColor(sink(true), {}, true), false);
});

test('errors print as CODE: message, then the hint; with --json a JSON error document follows on stdout', () => {
  const stdout = sink(false);
  const stderr = sink(true);
  const out = new Output({ stdout, stderr, env: { NO_COLOR: '1' }, json: true, noColor: false });
  out.error(new LocalTlsError('BAD_PASSWORD', 'the passphrase does not decrypt this key', { hint: 'check LOCALTLS_PASSPHRASE' }));
  assert.equal(stderr.text, 'BAD_PASSWORD: the passphrase does not decrypt this key\n  hint: check LOCALTLS_PASSPHRASE\n');
  assert.deepEqual(JSON.parse(stdout.text), { error: { code: 'BAD_PASSWORD', message: 'the passphrase does not decrypt this key', hint: 'check LOCALTLS_PASSPHRASE' } });
  const coloured = new Output({ stdout: sink(true), stderr: sink(true), env: {}, json: false, noColor: false });
  assert.equal(coloured.style('red', 'x'), '\u001b[31mx\u001b[39m');
});
