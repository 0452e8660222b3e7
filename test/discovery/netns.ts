/**
 * Two throw-away hosts for discovery tests: two network namespaces joined by a veth pair, with
 * 10.77.0.x addresses that exist only inside them and a 224.0.0.0/4 route on the veth, so
 * multicast never reaches a real interface. Code that sends mDNS runs as a child process inside
 * a namespace (`ip netns exec NS node dist/test/discovery/fixtures/agent.js`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
export const AGENT = join(here, 'fixtures', 'agent.js');

/** Why namespaces cannot be used here, or undefined when they can. */
export function netnsSkipReason(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux; this is ${process.platform}`;
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root (CI runs these tests as root); run as root to include them';
  const ip = spawnSync('ip', ['-V'], { encoding: 'utf8' });
  if (ip.error || ip.status !== 0) return "the 'ip' command (iproute2) is missing; apt-get install iproute2";
  return undefined;
}

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
}

/** One side of the pair. */
export interface Host {
  readonly ns: string;
  readonly iface: string;
  readonly address: string;
}

/** Two hosts on one link; `destroy()` removes both namespaces (and with them the veth). */
export interface TwoHosts {
  readonly a: Host;
  readonly b: Host;
  destroy(): void;
}

const live = new Set<string>();
process.once('exit', () => { for (const ns of live) spawnSync('ip', ['netns', 'del', ns]); });

/** Creates the pair; names are unique per process and `tag` (one letter). */
export function createTwoHosts(tag: string): TwoHosts {
  const id = `${process.pid}${tag}`;
  const a: Host = { ns: `ltd-${id}-a`, iface: `lta${id}`.slice(0, 15), address: '10.77.0.1' };
  const b: Host = { ns: `ltd-${id}-b`, iface: `ltb${id}`.slice(0, 15), address: '10.77.0.2' };
  const destroy = (): void => {
    for (const h of [a, b]) {
      spawnSync('ip', ['netns', 'del', h.ns], { timeout: 10_000 });
      live.delete(h.ns);
    }
  };
  try {
    for (const h of [a, b]) {
      ip(['netns', 'add', h.ns]);
      live.add(h.ns);
      // IPv6 link-local addresses usable at once (no duplicate-address detection delay)
      // (written to /proc directly: no dependency on procps' sysctl)
      spawnSync('ip', ['netns', 'exec', h.ns, 'sh', '-c', 'echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad; echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad'], { timeout: 10_000 });
      ip(['-n', h.ns, 'link', 'set', 'lo', 'up']);
    }
    // Created inside namespace A with its peer directly in B: it never exists in the host namespace.
    ip(['-n', a.ns, 'link', 'add', a.iface, 'type', 'veth', 'peer', 'name', b.iface, 'netns', b.ns]);
    for (const h of [a, b]) {
      ip(['-n', h.ns, 'addr', 'add', `${h.address}/24`, 'dev', h.iface]);
      ip(['-n', h.ns, 'link', 'set', h.iface, 'up']);
      ip(['-n', h.ns, 'route', 'add', '224.0.0.0/4', 'dev', h.iface]);
    }
  } catch (err) {
    destroy();
    throw err;
  }
  return { a, b, destroy };
}

/** A message from an agent. */
export type AgentEvent = Record<string, unknown> & { event: string; id?: number };

/** A fixture process inside a namespace, driven by JSON lines. */
export class Agent {
  readonly child: ChildProcess;
  readonly events: AgentEvent[] = [];
  stderr = '';
  #nextId = 1;
  #waiters: { match: (e: AgentEvent) => boolean; resolve: (e: AgentEvent) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  #exited: Promise<void>;

  constructor(host: Host, env: Record<string, string> = {}) {
    this.child = spawn('ip', ['netns', 'exec', host.ns, process.execPath, AGENT], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LOCALTLS_MDNS_INTERFACES: '', ...env, LOCALTLS_TEST_NETNS: host.ns },
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => { this.stderr = (this.stderr + d).slice(-8000); });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      let e: AgentEvent;
      try { e = JSON.parse(line) as AgentEvent; } catch { this.stderr += `\n[stdout] ${line}`; return; }
      this.events.push(e);
      for (const w of [...this.#waiters]) {
        if (w.match(e)) {
          clearTimeout(w.timer);
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    });
    this.#exited = new Promise((resolve) => this.child.once('exit', () => {
      for (const w of this.#waiters.splice(0)) { clearTimeout(w.timer); w.reject(new Error(`agent exited; stderr:\n${this.stderr}`)); }
      resolve();
    }));
  }

  /** Waits for the first event (already received or future) matching `match`. */
  waitFor(match: (e: AgentEvent) => boolean, timeoutMs = 10_000, from = 0): Promise<AgentEvent> {
    const seen = this.events.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.findIndex((w) => w.timer === timer), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for an agent event; got ${JSON.stringify(this.events.slice(-5))}; stderr:\n${this.stderr}`));
      }, timeoutMs);
      this.#waiters.push({ match, resolve, reject, timer });
    });
  }

  /** Sends a command and waits for its reply (the event carrying its id with `done: true`). */
  async request(cmd: Record<string, unknown>, timeoutMs = 10_000): Promise<AgentEvent> {
    const id = this.#nextId++;
    this.child.stdin!.write(`${JSON.stringify({ ...cmd, id })}\n`);
    const reply = await this.waitFor((e) => e.id === id && e.done === true, timeoutMs);
    if (reply.event === 'failed') throw Object.assign(new Error(`agent ${String(cmd.op)} failed: ${String(reply.message)}`), { code: reply.code });
    return reply;
  }

  /** Sends a command without waiting. Returns its id. */
  send(cmd: Record<string, unknown>): number {
    const id = this.#nextId++;
    this.child.stdin!.write(`${JSON.stringify({ ...cmd, id })}\n`);
    return id;
  }

  /** Asks the agent to clean up and exit; kills it if it has not within `graceMs`. */
  async close(graceMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try { this.child.stdin!.end(`${JSON.stringify({ op: 'exit' })}\n`); } catch { /* already closed */ }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
