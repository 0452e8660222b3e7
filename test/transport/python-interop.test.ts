/**
 * Python's ssl module as an independent peer, both ways, on loopback:
 * - a Python client (check_hostname on, our root as cafile) against createListener();
 * - connect() against a Python ssl server using our identity.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createListener, connect, type Connection } from '../../src/index.js';
import { fixtures, loopbackLookup, until } from './fixtures.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = await makeTempDir();
const children: ChildProcess[] = [];
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await temp.cleanup();
});

function python(script: string, args: string[]): { child: ChildProcess; output: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn('python3', ['-c', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const output = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); }));
  return { child, output };
}

const CLIENT = `
import socket, ssl, sys
host, port, cafile, name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=cafile)
ctx.minimum_version = getattr(ssl.TLSVersion, sys.argv[5])
ctx.maximum_version = getattr(ssl.TLSVersion, sys.argv[5])
try:
    with socket.create_connection((host, port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=name) as s:
            s.sendall(b'order: soup')
            print('OK', s.version(), s.recv(100).decode())
except ssl.SSLError as e:
    print('SSLERROR', e.reason)
`;

test('a Python ssl client (check_hostname, our root as cafile) talks to our listener over TLS 1.2 and 1.3, by name and by IP', async () => {
  const { ca, server } = await fixtures();
  const caFile = join(temp.dir, 'root.pem');
  await writeFile(caFile, ca.certificate.toPEM());
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1' });
  listener.on('connection', async (conn: Connection) => {
    const { data } = await conn.receive({ min: 11, max: 11 });
    await conn.send(`receipt for ${Buffer.from(data).toString()}`, { final: true });
  });
  try {
    await listener.ready;
    for (const version of ['TLSv1_2', 'TLSv1_3']) {
      for (const name of ['listener-name.local', '127.0.0.1']) {
        const { output } = python(CLIENT, ['127.0.0.1', String(listener.port), caFile, name, version]);
        const result = await output;
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout.trim(), `OK ${version.replace('_', '.')} receipt for order: soup`);
      }
    }
    const wrongName = await python(CLIENT, ['127.0.0.1', String(listener.port), caFile, 'other.local', 'TLSv1_3']).output;
    assert.match(wrongName.stdout, /SSLERROR CERTIFICATE_VERIFY_FAILED/);
  } finally {
    listener.cancel({ force: true });
  }
});

const SERVER = `
import socket, ssl, sys
certfile, keyfile = sys.argv[1], sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(certfile, keyfile)
with socket.create_server(('127.0.0.1', 0)) as srv:
    srv.settimeout(20)
    print(srv.getsockname()[1], flush=True)
    for _ in range(int(sys.argv[3])):
        raw, _ = srv.accept()
        try:
            with ctx.wrap_socket(raw, server_side=True) as s:
                s.sendall(b'hello from python ' + s.version().encode())
                s.recv(100)
        except (ssl.SSLError, OSError):
            pass
`;

test('connect() verifies a Python ssl server: succeeds with the root, fails with NOT_TRUSTED without it', async () => {
  const { ca, server } = await fixtures();
  const { certificatePem, keyPem } = server.toPEM();
  await writeFile(join(temp.dir, 'server.pem'), certificatePem);
  await writeFile(join(temp.dir, 'server.key'), keyPem);
  const { child, output } = python(SERVER, [join(temp.dir, 'server.pem'), join(temp.dir, 'server.key'), '2']);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('close', () => reject(new Error('python server exited early')));
  });
  const good = connect('listener-name.local', port, { trustRoots: [ca.certificate], lookup: loopbackLookup('127.0.0.1'), trustStore: false, systemRoots: false });
  await good.ready;
  assert.equal(good.tls?.protocol, 'TLSv1.3');
  const { data } = await good.receive({ min: 25, max: 25 });
  assert.equal(Buffer.from(data).toString(), 'hello from python TLSv1.3');
  await good.send('bye', { final: true });
  good.cancel();
  const bad = connect('listener-name.local', port, { lookup: loopbackLookup('127.0.0.1'), trustStore: false });
  const state = await until(bad, ['failed', 'ready'], 15_000);
  assert.equal(state, 'failed');
  await assert.rejects(bad.ready, (error: { code?: string; details?: { trustCode?: string } }) => error.code === 'CERTIFICATE_VERIFY_FAILED' && error.details?.trustCode === 'NOT_TRUSTED');
  assert.equal((await output).code, 0);
});
