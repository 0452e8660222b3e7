/** `localtls demo`: the restaurant flow end to end on loopback (the same code as `npm run demo`). */
import { integer, str, type Command } from '../command.js';
import { runDemo } from '../demo.js';

const demo: Command = {
  name: 'demo',
  summary: 'Run the restaurant flow end to end on loopback, narrated: CA, server identity, PKCS#12, store, listener, clients, refusal, basic X.509 hook.',
  details: 'Everything is written to a temporary home that is removed at the end; nothing else is touched. Exits 0 when every step behaves as described.',
  options: {
    port: { type: 'string', short: 'p', value: 'N', description: 'the port to try first (default 4433; a free one is used when it is taken)' },
  },
  positionals: { min: 0, max: 0 },
  noPassword: true,
  examples: ['localtls demo', 'npm run demo'],
  async run(ctx) {
    const port = integer('port', str(ctx, 'port'), 0, 65535, 4433);
    const lines: string[] = [];
    const result = await runDemo({ port, print: (line) => (ctx.out.json ? lines.push(line) : ctx.out.line(line)) });
    if (ctx.out.json) ctx.out.printJson({ ok: true, ...result, narration: lines });
    else ctx.out.line('\nDone: every step behaved as the flow says.');
  },
};

/** The `demo` command. */
export const demoCommands: Command[] = [demo];
