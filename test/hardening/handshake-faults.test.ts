/**
 * Hardening: what the listener and connect() do when the other side misbehaves before or during
 * the TLS handshake. Real sockets on 127.0.0.1 and ::1, short deadlines (1–1.5 s) so the suite
 * stays fast; time bounds are generous (the machine is shared), but each still separates "the
 * deadline held" from "it was extended" or "it never fired".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { connect, createListener, ConnectionError, type Listener } from '../../src/index.js';
import { muteServer } from '../transport/peers.js';
import { hostPort, runOpenssl, tempDir } from '../tls/openssl.js';
import {
  closeListener, fixtures, freshCache, HOSTS, legacyClientHello, listenerAnswers, parseAlert, rawClient, realClientHello,
  recordStates, resettingProxy, sleep, waitFor, within,
} from './helpers.js';

const DEADLINE = 1000;

async function startListener(host: string, handshakeTimeout = DEADLINE): Promise<{ listener: Listener; errors: ConnectionError[]; connections: () => number }> {
  const { server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host, handshakeTimeout });
  const errors: ConnectionError[] = [];
  let connections = 0;
  listener.on('handshakeError', (e: ConnectionError) => errors.push(e));
  listener.on('connection', (conn) => { connections++; conn.cancel(); });
  await listener.ready;
  return { listener, errors, connections: () => connections };
}

for (const host of HOSTS) {
  test(`${host}: an idle TCP client that never sends a ClientHello is closed at the handshake deadline; socket released; listener up`, async () => {
    const { listener, errors } = await startListener(host);
    try {
      const idle = rawClient(host, listener.port);
      const connectedAt = await idle.connected;
      await waitFor(() => listener.openSocketCount === 1, 2000, 'the listener to hold the socket');
      const closedAt = await within(idle.closed, DEADLINE + 4000);
      assert.notEqual(closedAt, 'timeout', 'the idle socket was never closed');
      const elapsed = (closedAt as number) - connectedAt;
      assert.ok(elapsed >= DEADLINE - 100 && elapsed < DEADLINE + 3000, `closed after ${elapsed} ms; deadline ${DEADLINE} ms`);
      assert.equal(idle.received().length, 0, 'nothing is sent to a client that said nothing');
      await waitFor(() => listener.openSocketCount === 0, 2000, 'the socket to be released');
      assert.deepEqual(errors.map((e) => e.code), ['HANDSHAKE_TIMEOUT']);
      assert.equal(listener.state, 'ready');
      await listenerAnswers(listener, host);
    } finally {
      await closeListener(listener);
    }
  });

  test(`${host}: a ClientHello trickled one byte per 400 ms is cut at the same deadline, counted from accept`, async () => {
    const deadline = 1500;
    const { listener, errors } = await startListener(host, deadline);
    const hello = await realClientHello();
    let timer: NodeJS.Timeout | undefined;
    try {
      const slow = rawClient(host, listener.port);
      const connectedAt = await slow.connected;
      let sent = 0;
      const drip = () => { if (!slow.socket.destroyed && sent < hello.length) slow.socket.write(hello.subarray(sent, ++sent)); };
      drip();
      timer = setInterval(drip, 400);
      // Were the deadline restarted by each byte (an idle timer), 400 ms < 1500 ms would keep it open for
      // hello.length × 400 ms (minutes).
      const closedAt = await within(slow.closed, deadline + 4000);
      clearInterval(timer);
      assert.notEqual(closedAt, 'timeout', `still open after ${deadline + 4000} ms and ${sent} bytes: the deadline is being extended`);
      const elapsed = (closedAt as number) - connectedAt;
      assert.ok(elapsed >= deadline - 100 && elapsed < deadline + 3000, `closed after ${elapsed} ms; deadline ${deadline} ms`);
      assert.ok(sent < 15, `${sent} of ${hello.length} bytes were dripped before the cut`);
      assert.equal(slow.received().length, 0);
      assert.deepEqual(errors.map((e) => e.code), ['HANDSHAKE_TIMEOUT']);
      await waitFor(() => listener.openSocketCount === 0, 2000, 'the socket to be released');
      await listenerAnswers(listener, host);
    } finally {
      clearInterval(timer);
      await closeListener(listener);
    }
  });

  test(`${host}: garbage or an HTTP request instead of a ClientHello → closed at once, nothing sent back (malformed TLS records: one fatal alert)`, async () => {
    const { listener, errors, connections } = await startListener(host, 10_000);
    const inputs: [string, Buffer][] = [
      ['HTTP/1.1 request', Buffer.from('GET / HTTP/1.1\r\nHost: listener-name.local\r\nUser-Agent: curl/8\r\n\r\n')],
      ['HTTP/2 preface', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')],
      ['random bytes', createHash('sha512').update('garbage').digest()],
      ['zeros', Buffer.alloc(64)],
    ];
    try {
      for (const [what, bytes] of inputs) {
        const before = errors.length;
        const client = rawClient(host, listener.port);
        const sentAt = await client.connected;
        client.socket.write(bytes);
        const closedAt = await within(client.closed, 5000);
        assert.notEqual(closedAt, 'timeout', `${what}: not closed`);
        const elapsed = (closedAt as number) - sentAt;
        // "At once": well before any deadline (10 s here); measured at a few ms.
        assert.ok(elapsed < 1500, `${what}: closed after ${elapsed} ms`);
        assert.equal(client.received().length, 0, `${what}: the listener answered ${client.received().toString('hex')}`);
        await waitFor(() => errors.length === before + 1, 2000, `${what}: a handshakeError`);
        assert.ok(['PROTOCOL_ERROR', 'TLS_VERSION_REFUSED'].includes(errors.at(-1)!.code), `${what}: ${errors.at(-1)!.code}`);
      }
      // Bytes that are TLS-shaped (a handshake record header) but malformed are refused the TLS way:
      // one fatal alert record (RFC 8446 §6.2), nothing else.
      const tlsShaped: [string, Buffer, number][] = [
        ['a handshake record longer than TLS allows', Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, 0x01, 0x00, 0x00, 0x01]), 22],
        ['a ClientHello whose body is garbage', Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, 0x44, 0x01, 0x00, 0x00, 0x40]), Buffer.alloc(64, 0xee)]), 50],
      ];
      for (const [what, bytes, alert] of tlsShaped) {
        const client = rawClient(host, listener.port);
        await client.connected;
        client.socket.write(bytes);
        assert.notEqual(await within(client.closed, 5000), 'timeout', `${what}: not closed`);
        assert.deepEqual(parseAlert(client.received()), { level: 2, description: alert }, `${what}: got ${client.received().toString('hex')}`);
        assert.equal(client.received().length, 7, `${what}: one alert record only`);
      }
      assert.equal(connections(), 0);
      await waitFor(() => listener.openSocketCount === 0, 2000, 'the sockets to be released');
      await listenerAnswers(listener, host);
    } finally {
      await closeListener(listener);
    }
  });

  test(`${host}: a TLS 1.0- or 1.1-only ClientHello (crafted, and openssl s_client -tls1 / -tls1_1) gets a fatal protocol_version alert and nothing else`, async () => {
    const { listener, errors } = await startListener(host, 10_000);
    try {
      for (const minor of [1, 2] as const) {
        const client = rawClient(host, listener.port);
        await client.connected;
        client.socket.write(legacyClientHello(minor));
        assert.notEqual(await within(client.closed, 5000), 'timeout');
        const answer = client.received();
        assert.deepEqual(parseAlert(answer), { level: 2, description: 70 }, `TLS 1.${minor - 1}: got ${answer.toString('hex')}`);
        assert.equal(answer.length, 7, 'one alert record, no ServerHello');
        await waitFor(() => errors.length === minor, 2000, 'a handshakeError');
        assert.equal(errors.at(-1)!.code, 'TLS_VERSION_REFUSED');
      }
      // The same from a real TLS 1.0 / 1.1 client (its security level lowered so it may offer them).
      for (const flag of ['-tls1', '-tls1_1']) {
        const { code, out } = await runOpenssl(['s_client', '-connect', hostPort(host, listener.port), flag, '-cipher', 'DEFAULT@SECLEVEL=0']);
        assert.notEqual(code, 0);
        assert.match(out, /alert protocol version|SSL alert number 70/, `${flag}: ${out}`);
      }
      await listenerAnswers(listener, host);
    } finally {
      await closeListener(listener);
    }
  });

  test(`${host}: half a ClientHello then a TCP reset → one handshakeError, no crash, listener up`, async () => {
    const { listener, errors } = await startListener(host, 10_000);
    const hello = await realClientHello();
    try {
      for (let i = 0; i < 3; i++) {
        const client = rawClient(host, listener.port);
        await client.connected;
        await waitFor(() => listener.openSocketCount === 1, 2000, 'the listener to hold the socket');
        client.socket.write(hello.subarray(0, hello.length >> 1));
        await sleep(50);
        client.socket.resetAndDestroy();
        await client.closed;
        await waitFor(() => listener.openSocketCount === 0, 3000, 'the socket to be released');
      }
      await waitFor(() => errors.length === 3, 3000, 'three handshakeErrors');
      assert.deepEqual(errors.map((e) => e.code), ['CONNECTION_RESET', 'CONNECTION_RESET', 'CONNECTION_RESET']);
      await listenerAnswers(listener, host);
    } finally {
      await closeListener(listener);
    }
  });

  test(`${host}: a client that closes its side (FIN) after the ServerHello is dropped at once, not held until the deadline`, async () => {
    const { listener, errors, connections } = await startListener(host, 10_000);
    const hello = await realClientHello();
    try {
      for (const how of ['end', 'destroy'] as const) {
        const before = errors.length;
        const client = rawClient(host, listener.port);
        await client.connected;
        client.socket.write(hello);
        await new Promise((r) => client.socket.once('data', r));
        const closedAt = Date.now();
        if (how === 'end') client.socket.end(); else client.socket.destroy();
        // Regression: with allowHalfOpen on during the handshake, the socket stayed open until the
        // 10 s deadline (and was then reported as HANDSHAKE_TIMEOUT).
        await waitFor(() => listener.openSocketCount === 0, 2000, `${how}: the socket to be released`);
        assert.ok(Date.now() - closedAt < 2000);
        await waitFor(() => errors.length === before + 1, 2000, `${how}: a handshakeError`);
        assert.notEqual(errors.at(-1)!.code, 'HANDSHAKE_TIMEOUT');
        if (how === 'end') assert.notEqual(await within(client.closed, 2000), 'timeout', 'the listener closed its side too');
      }
      assert.equal(connections(), 0);
      await listenerAnswers(listener, host);
    } finally {
      await closeListener(listener);
    }
  });

  test(`${host}: a mute server → HANDSHAKE_TIMEOUT at the client's deadline; states preparing → failed`, async () => {
    const mute = await muteServer(host);
    try {
      const start = Date.now();
      const conn = connect(host, mute.port, { handshakeTimeout: DEADLINE, sessionCache: freshCache() });
      const states = recordStates(conn);
      await assert.rejects(conn.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'HANDSHAKE_TIMEOUT');
      const elapsed = Date.now() - start;
      assert.ok(elapsed >= DEADLINE - 100 && elapsed < DEADLINE + 3000, `failed after ${elapsed} ms; deadline ${DEADLINE} ms`);
      assert.deepEqual(states, ['preparing', 'failed']);
    } finally {
      await mute.close();
    }
  });

  test(`${host}: the server resets mid-handshake → the client fails once, with one error`, async () => {
    const { listener } = await startListener(host, 10_000);
    const proxy = await resettingProxy(host, listener.port, 'client-sees-reset');
    try {
      const { ca } = await fixtures();
      const conn = connect(host, proxy.port, { trustRoots: [ca.certificate], sessionCache: freshCache(), handshakeTimeout: 5000 });
      const states: string[] = [];
      const stateErrors: unknown[] = [];
      conn.on('state', (s: string, e?: unknown) => { states.push(s); if (e) stateErrors.push(e); });
      await assert.rejects(conn.ready, (e: unknown) => e instanceof ConnectionError && ['CONNECTION_RESET', 'PROTOCOL_ERROR'].includes(e.code));
      await sleep(100);
      assert.deepEqual(states, ['preparing', 'failed']);
      assert.equal(stateErrors.length, 1, 'one error');
      assert.equal(conn.error, stateErrors[0]);
      assert.equal(conn.error?.code, 'CONNECTION_RESET');
    } finally {
      await proxy.close();
      await closeListener(listener);
    }
  });

  test(`${host}: the client resets mid-handshake → the listener reports one handshakeError and stays up`, async () => {
    const { listener, errors, connections } = await startListener(host, 10_000);
    const proxy = await resettingProxy(host, listener.port, 'server-sees-reset');
    try {
      const hello = await realClientHello();
      const client = rawClient(host, proxy.port);
      await client.connected;
      client.socket.write(hello);
      await client.closed;
      await waitFor(() => errors.length === 1, 3000, 'a handshakeError');
      await sleep(100);
      assert.equal(errors.length, 1, 'one error');
      assert.ok(['CONNECTION_RESET', 'PROTOCOL_ERROR'].includes(errors[0]!.code), errors[0]!.code);
      assert.equal(connections(), 0);
      await waitFor(() => listener.openSocketCount === 0, 2000, 'the socket to be released');
      await listenerAnswers(listener, host);
    } finally {
      await proxy.close();
      await closeListener(listener);
    }
  });

  test(`${host}: openssl s_client -tls1_2 asking to renegotiate ('R') is refused at once; the listener stays up`, async () => {
    const { ca } = await fixtures();
    const { listener } = await startListenerEcho(host);
    const dir = tempDir();
    try {
      const caFile = dir.file('ca.pem', ca.certificate.toPEM());
      const result = await sClientRenegotiate(['-connect', hostPort(host, listener.port), '-tls1_2', '-CAfile', caFile, '-verify_return_error']);
      assert.ok(result.established, `the TLS 1.2 handshake did not complete:\n${result.out}`);
      assert.match(result.out, /RENEGOTIATING/);
      assert.match(result.out, /no renegotiation/i, result.out);
      assert.notEqual(result.code, 0);
      assert.ok(result.msAfterR < 1500, `the refusal came ${result.msAfterR} ms after 'R'`);
      assert.equal(result.echoedBeforeR, true, 'the connection worked before the attempt');
      await listenerAnswers(listener, host);
    } finally {
      dir.cleanup();
      await closeListener(listener);
    }
  });
}

async function startListenerEcho(host: string): Promise<{ listener: Listener }> {
  const { server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host });
  listener.on('connection', (conn) => {
    void (async () => { for await (const chunk of conn) await conn.send(chunk); })().catch(() => {});
  });
  await listener.ready;
  return { listener };
}

/**
 * Runs s_client, waits for the handshake, sends a line and waits for its echo, then sends 'R'
 * (renegotiate) and measures how long until s_client gives up. Bounded to 15 s.
 */
function sClientRenegotiate(args: string[]): Promise<{ code: number | null; out: string; established: boolean; echoedBeforeR: boolean; msAfterR: number }> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let established = false;
    let echoed = false;
    let rAt = 0;
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (!established && /Verify return code: 0 \(ok\)/.test(out) && /^---$/m.test(out.split('Verify return code')[1] ?? '')) {
        established = true;
        child.stdin.write('ping-before-renegotiation\n');
      }
      if (established && !echoed && out.split('ping-before-renegotiation').length > 1) {
        echoed = true;
        rAt = Date.now();
        child.stdin.write('R\n');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, out, established, echoedBeforeR: echoed, msAfterR: rAt ? Date.now() - rAt : Number.POSITIVE_INFINITY });
    });
  });
}
