/** `host:port` for messages, with IPv6 addresses in brackets (`[::1]:4433`). */
export function formatHostPort(host: string | undefined, port: number | undefined): string {
  const h = host ?? 'unknown';
  return `${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port ?? '?'}`;
}
