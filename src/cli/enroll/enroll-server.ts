/**
 * The enrollment server behind `localtls enroll`: plain HTTP (HTTPS cannot work before the root is
 * trusted), GET and HEAD only, four fixed resources rendered once at start-up. It is given a
 * certificate, never a CA or a key, so it has no private material to leak.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Certificate, ConfigError, LocalTlsError } from '../../index.js';
import { renderEnrollPage } from './enroll-page.js';
import { rootMobileconfig, type MobileconfigOptions } from './mobileconfig.js';

/** Options of {@link startEnrollServer}. */
export interface EnrollServerOptions {
  /** The CA's root certificate (`ca.certificate`). Only a `Certificate` is accepted: never pass the CA. */
  certificate: Certificate;
  /** The address to bind, as the user named it (`192.168.1.20`, `127.0.0.1`, `::`). Required: no default, so the page is never exposed on an interface by surprise. */
  host: string;
  /** The TCP port; 0 picks a free one. Default: 0. */
  port?: number;
  /** The URL shown on the page and in its QR code. Default: `http://<host>:<port>/` (IPv6 in brackets); for a wildcard host (`0.0.0.0`, `::`) the first non-internal address of this machine. Set it when devices reach the machine by name. */
  publicUrl?: string;
  /** The CA name shown on the page. Default: the root's common name, else its subject. */
  caName?: string;
  /** Options for the `.mobileconfig` (display name, organization). */
  mobileconfig?: MobileconfigOptions;
}

/** A running enrollment server. */
export interface EnrollServer {
  /** The page's URL (`http://127.0.0.1:53124/`). */
  readonly url: string;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** The address bound. */
  readonly host: string;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

interface Resource {
  body: Buffer;
  headers: Record<string, string>;
}

const COMMON_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * Starts the enrollment server and resolves once it listens.
 *
 * Serves `/` (text/html), `/root.cer` (DER, application/x-x509-ca-cert), `/root.pem`
 * (application/x-pem-file) and `/root.mobileconfig` (application/x-apple-aspen-config); 404 for
 * any other path, 405 for methods other than GET and HEAD. The page forbids scripts through its
 * Content-Security-Policy and contains none.
 *
 * Defaults: `port` 0 (any free port), `publicUrl` derived from host and port.
 * Errors: `INVALID_OPTION` for a missing certificate or host or a bad port, `ADDRESS_IN_USE` when
 * the port is taken, `IO_ERROR` for other listen failures (for example an address this machine
 * does not have).
 *
 * @example
 * ```ts
 * const server = await startEnrollServer({ certificate: ca.certificate, host: '192.168.1.20', port: 8080 });
 * console.log(`open ${server.url}`);
 * process.stdout.write(terminalQr(server.url));
 * // later
 * await server.close();
 * ```
 */
export async function startEnrollServer(options: EnrollServerOptions): Promise<EnrollServer> {
  const { certificate, host } = options;
  if (!(certificate instanceof Certificate)) {
    throw new ConfigError('INVALID_OPTION', `enroll: certificate: expected a Certificate (ca.certificate); found ${describe(certificate)}`, {
      hint: 'Pass only the root certificate; the enrollment server never receives the CA or its key.',
    });
  }
  if (typeof host !== 'string' || host.trim() === '') {
    throw new ConfigError('INVALID_OPTION', `enroll: host: expected the address to listen on (for example 192.168.1.20 or 127.0.0.1); found ${describe(host)}`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('INVALID_OPTION', `enroll: port: expected an integer from 0 to 65535; found ${describe(port)}`);
  }
  // Built before listening so a bad certificate fails early (NOT_A_CA).
  const mobileconfig = Buffer.from(rootMobileconfig(certificate, options.mobileconfig), 'utf8');

  const resources = new Map<string, Resource>();
  const der = Buffer.from(certificate.toDER());
  const pem = Buffer.from(certificate.toPEM(), 'utf8');
  resources.set('/root.cer', { body: der, headers: { 'Content-Type': 'application/x-x509-ca-cert', 'Content-Disposition': 'attachment; filename="root.cer"' } });
  resources.set('/root.pem', { body: pem, headers: { 'Content-Type': 'application/x-pem-file', 'Content-Disposition': 'attachment; filename="root.pem"' } });
  // No Content-Disposition: Safari installs a profile when it sees the MIME type.
  resources.set('/root.mobileconfig', { body: mobileconfig, headers: { 'Content-Type': 'application/x-apple-aspen-config' } });
  // '/' is added once the bound port (and so the URL) is known.
  const server = createServer((req, res) => handle(resources, req, res));
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 2_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.close();
      const where = `${formatHost(host)}:${port}`;
      if (error.code === 'EADDRINUSE') {
        reject(new LocalTlsError('ADDRESS_IN_USE', `enroll: expected a free port; ${where} is already in use`, { cause: error, hint: 'Choose another --port, or --port 0 for any free port.' }));
      } else {
        reject(new LocalTlsError('IO_ERROR', `enroll: could not listen on ${where}: ${error.code ?? error.message}`, {
          cause: error,
          hint: error.code === 'EADDRNOTAVAIL' ? 'Use an address this machine has (see `ip addr` or `ifconfig`).' : undefined,
        }));
      }
    };
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });

  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = options.publicUrl ?? `http://${formatHost(reachableHost(host))}:${boundPort}/`;
  const page = Buffer.from(renderEnrollPage(certificate, { url, caName: options.caName }), 'utf8');

  resources.set('/', {
    body: page,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    },
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    port: boundPort,
    host,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function handle(resources: Map<string, Resource>, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    send(res, method, 405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' }, Buffer.from('405 method not allowed: only GET and HEAD\n'));
    return;
  }
  // Exact match on the path as sent (query ignored): no normalisation, so nothing else can map to a resource.
  const path = (req.url ?? '').split('?')[0]!;
  const resource = resources.get(path);
  if (!resource) {
    send(res, method, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, Buffer.from('404 not found: this server offers /, /root.cer, /root.pem and /root.mobileconfig\n'));
    return;
  }
  send(res, method, 200, resource.headers, resource.body);
}

function send(res: ServerResponse, method: string, status: number, headers: Record<string, string>, body: Buffer): void {
  res.writeHead(status, { ...COMMON_HEADERS, ...headers, 'Content-Length': String(body.length) });
  res.end(method === 'HEAD' ? undefined : body);
}

/** For a wildcard bind (0.0.0.0, ::), the first non-internal address, so the URL works from a phone. */
function reachableHost(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []).filter((a) => !a.internal);
  const pick = all.find((a) => a.family === 'IPv4') ?? (host === '::' ? all.find((a) => a.family === 'IPv6' && !a.address.startsWith('fe80')) : undefined);
  return pick?.address ?? host;
}

function formatHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  return JSON.stringify(value);
}
