import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { CertificateAuthority, createListener } from '../../src/index.js';

test("a listener warns through 'warning' when its identity expires within 30 days, at ready and on setIdentity", async () => {
  const ca = await CertificateAuthority.create({ commonName: 'Expiry CA' });
  const shortLived = await ca.issue({ hosts: ['listener-name.local'], validityDays: 10 });
  const longLived = await ca.issue({ hosts: ['listener-name.local'] });
  const listener = createListener({ identity: shortLived, port: 0, host: '127.0.0.1' });
  const warnings: string[] = [];
  listener.on('warning', (message: string) => warnings.push(message));
  try {
    await listener.ready;
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /CN=listener-name\.local expires on .* \(in (9|10) day\(s\)\); renew it/);
    listener.setIdentity(longLived);
    assert.equal(warnings.length, 1, 'a fresh identity does not warn');
    const next = once(listener, 'warning');
    listener.setIdentity(shortLived);
    assert.match(String((await next)[0]), /expires on/);
  } finally {
    listener.cancel({ force: true });
  }
});
