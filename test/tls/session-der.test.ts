/**
 * withoutPeerCertificate(): real sessions from node:tls (TLS 1.2 and 1.3; plain DER on Node 20,
 * inside Node's envelope on Node 24) lose the server certificate OpenSSL serializes into them and
 * still resume; anything that is not such a session comes back unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect, createServer } from 'node:tls';
import { withoutPeerCertificate } from '../../src/tls/session-der.js';
import { fixtures } from '../transport/fixtures.js';

/** One connection to `port`, offering `session`; the session node:tls handed out last, and whether this one resumed. */
function dial(port: number, session: Buffer | undefined): Promise<{ session: Buffer | undefined; resumed: boolean }> {
  return new Promise((resolve, reject) => {
    // A throwaway client for this test only: it checks resumption, not the server's identity.
    const socket = tlsConnect({ host: '127.0.0.1', port, session, rejectUnauthorized: false, checkServerIdentity: () => undefined });
    let latest: Buffer | undefined;
    let resumed = false;
    socket.on('session', (s: Buffer) => { latest = s; });
    socket.once('secureConnect', () => { resumed = socket.isSessionReused(); });
    socket.on('data', () => {});
    socket.once('error', reject);
    socket.once('close', () => resolve({ session: latest, resumed }));
  });
}

for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
  test(`${version}: a node:tls session without its peer certificate is smaller, holds no copy of the certificate, and resumes`, async () => {
    const { server } = await fixtures();
    const listener = createServer({ ...server.tlsOptions(), minVersion: version, maxVersion: version }, (socket) => socket.end('x'));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    try {
      const first = await dial(port, undefined);
      assert.ok(first.session, 'node:tls handed out a session');
      const der = Buffer.from(server.certificate.der);
      assert.notEqual(first.session.indexOf(der), -1, 'OpenSSL serializes the certificate into the session');
      const slim = withoutPeerCertificate(first.session);
      assert.equal(slim.indexOf(der), -1);
      assert.ok(slim.length < first.session.length - der.length, `expected under ${first.session.length - der.length} bytes; found ${slim.length}`);
      assert.deepEqual(withoutPeerCertificate(slim), slim, 'a slim session stays as it is');
      const second = await dial(port, slim);
      assert.equal(second.resumed, true, 'the slim session resumed');
      // The session handed out on a resumed connection slims the same way and resumes again.
      const third = await dial(port, withoutPeerCertificate(second.session ?? slim));
      assert.equal(third.resumed, true);
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });
}

test('anything but a well-formed session SEQUENCE comes back unchanged', () => {
  const cases: Buffer[] = [
    Buffer.alloc(0),
    Buffer.from([0x30]), // header cut short
    Buffer.from([0x30, 0x05, 0x02, 0x01, 0x01]), // content shorter than its length
    Buffer.from([0x31, 0x03, 0xa3, 0x01, 0x00]), // a SET, not a SEQUENCE
    Buffer.from([0x30, 0x80, 0xa3, 0x00, 0x00, 0x00]), // indefinite length
    Buffer.from([0x30, 0x84, 0x00, 0x00, 0x00, 0x02, 0xa3, 0x00]), // a 4-byte length
    Buffer.from([0x30, 0x03, 0xa3, 0x05, 0x00]), // a field running past the SEQUENCE
    Buffer.from([0x30, 0x04, 0xa3, 0x00, 0xa3, 0x00]), // two peer fields
    Buffer.from([0x30, 0x03, 0x1f, 0x81, 0x00]), // a multi-byte tag
    Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01, 0xff]), // bytes after the SEQUENCE
    Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]), // no peer field
  ];
  for (const input of cases) assert.equal(withoutPeerCertificate(input), input, `input ${input.toString('hex')}`);
});

test('the peer field is cut out and the SEQUENCE length re-encoded (long form to short form)', () => {
  const peer = Buffer.concat([Buffer.from([0xa3, 0x81, 0x80]), Buffer.alloc(0x80, 7)]);
  const before = Buffer.from([0x02, 0x01, 0x01]);
  const after = Buffer.from([0xa4, 0x02, 0x04, 0x00]);
  const content = Buffer.concat([before, peer, after]);
  const session = Buffer.concat([Buffer.from([0x30, 0x81, content.length]), content]);
  assert.deepEqual(withoutPeerCertificate(session), Buffer.concat([Buffer.from([0x30, before.length + after.length]), before, after]));
});

/** Node 24's envelope around `der`, bound to `host` (the layout node:tls v24 writes). */
function envelope(host: string, der: Buffer, magic = '\0nodejs:tls:session:1\0'): Buffer {
  const name = Buffer.from(host, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(name.length);
  return Buffer.concat([Buffer.from(magic, 'latin1'), length, name, der]);
}

test("inside Node's envelope, only the DER is slimmed: the envelope and its host stay byte for byte", () => {
  const peer = Buffer.from([0xa3, 0x03, 0x04, 0x01, 0x09]);
  const rest = Buffer.from([0x02, 0x01, 0x01]);
  const der = Buffer.concat([Buffer.from([0x30, rest.length + peer.length]), rest, peer]);
  const slimDer = Buffer.concat([Buffer.from([0x30, rest.length]), rest]);
  assert.deepEqual(withoutPeerCertificate(envelope('till-3.local', der)), envelope('till-3.local', slimDer));
  assert.deepEqual(withoutPeerCertificate(envelope('', der)), envelope('', slimDer), 'an empty host');
});

test("an envelope this does not read comes back unchanged", () => {
  const der = Buffer.from([0x30, 0x05, 0x02, 0x01, 0x01, 0xa3, 0x00]);
  const whole = envelope('hub.local', der);
  const cases: Buffer[] = [
    envelope('hub.local', der, '\0nodejs:tls:session:2\0'), // another version
    envelope('hub.local', Buffer.from([0x30, 0x05, 0x02])), // DER cut short inside the envelope
    envelope('hub.local', Buffer.alloc(0)), // nothing after the host
    whole.subarray(0, 23), // the length cut in half
    Buffer.concat([whole.subarray(0, 22), Buffer.from([0xff, 0xff]), Buffer.from('hub')]), // a host length past the end
    Buffer.from('\0nodejs:tls:sess', 'latin1'), // the header cut short
  ];
  for (const input of cases) assert.equal(withoutPeerCertificate(input), input, `input ${input.toString('hex')}`);
});
