/** docs/cli.md documents every command, with an example. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { COMMANDS } from '../../src/cli/commands/index.js';

test('docs/cli.md has a section and an example for every command', async () => {
  const doc = await readFile('docs/cli.md', 'utf8');
  for (const command of COMMANDS) {
    const heading = `### \`localtls ${command.name}${command.args ? ` ${command.args}` : ''}\``;
    const at = doc.indexOf(heading);
    assert.ok(at >= 0, `docs/cli.md lacks ${heading}`);
    const section = doc.slice(at, doc.indexOf('\n### ', at + 1) >>> 0 || undefined);
    assert.match(section, /```sh\n\$ /, `${heading} has an example`);
    assert.ok(command.examples.length > 0, `${command.name} has examples for --help`);
  }
});
