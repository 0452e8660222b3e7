/**
 * The dispatcher: finds the command, parses its arguments, runs it, and turns errors into
 * `CODE: message` + hint and an exit code (0 ok, 1 failure, 2 usage).
 */
import { readFile } from 'node:fs/promises';
import { isLocalTlsError, LocalTlsError } from '../index.js';
import { commandHelp, parseCommand, usage, type Command, type Context } from './command.js';
import { Output, type TextStream } from './output.js';
import { Secrets, type PromptInput } from './secrets.js';
import { resolveHome } from './home.js';
import { COMMANDS, GROUPS } from './commands/index.js';

/** Where a run reads and writes; defaults are the process's own. */
export interface RunIO {
  env?: NodeJS.ProcessEnv;
  stdin?: PromptInput;
  stdout?: TextStream;
  stderr?: TextStream;
  /** Aborts long-running commands (serve, connect), e.g. on SIGINT. */
  signal?: AbortSignal;
}

/** Finds the command named by the first words of argv. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

/** The top-level help. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length + (c.args ? c.args.length + 1 : 0))) + 2;
  const lines = [
    'localtls — TLS on the local network: a local CA, identities, PKCS#12, trust, a verified listener and client.',
    '',
    'Usage: localtls <command> [options]        localtls <command> --help',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${`${c.name}${c.args ? ` ${c.args}` : ''}`.padEnd(width)}${c.summary.split(/(?<=\.) /)[0]}`),
    '',
    'Every command takes --home DIR (or $LOCALTLS_HOME) and --json. Passphrases come from',
    '--password-file FILE, $LOCALTLS_PASSPHRASE or a prompt; never from the command line.',
    'Exit codes: 0 ok, 1 failure, 2 usage.',
  ];
  return lines.join('\n');
}

function groupHelp(group: string): string {
  const commands = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  return [`localtls ${group} <${commands.map((c) => c.name.split(' ')[1]).join('|')}> [options]`, '', ...commands.map((c) => `  ${c.name.padEnd(24)}${c.summary}`), '', `See localtls ${group} <subcommand> --help.`].join('\n');
}

async function version(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Converts anything thrown into a LocalTlsError for printing. */
function asLocalTlsError(error: unknown): LocalTlsError {
  if (error instanceof LocalTlsError) return error;
  const err = error as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && typeof err.syscall === 'string') {
    return new LocalTlsError('IO_ERROR', `${err.syscall}${err.path ? ` ${err.path}` : ''}: ${err.code}`, { cause: error });
  }
  return new LocalTlsError('INVALID_STATE', `unexpected error: ${err instanceof Error ? err.message : String(error)}`, { cause: error, hint: 'this is a bug in localtls; please report it with the command you ran' });
}

/**
 * Runs `localtls` with `argv` (without the node and script paths) and returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await run(process.argv.slice(2));
 * ```
 */
export async function run(argv: string[], io: RunIO = {}): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const stdin = io.stdin ?? (process.stdin as PromptInput);
  const wantsJson = argv.includes('--json');
  const noColor = argv.includes('--no-color');
  const out = new Output({ stdout, stderr, env, json: wantsJson, noColor });
  try {
    const first = argv[0];
    if (first === undefined) {
      stderr.write(`${mainHelp()}\n`);
      return 2;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      const target = argv.slice(1).filter((a) => !a.startsWith('-'));
      if (target.length === 0) { stdout.write(`${mainHelp()}\n`); return 0; }
      const found = findCommand(target);
      if (found) { stdout.write(`${commandHelp(found.command)}\n`); return 0; }
      if (GROUPS.includes(target[0]!)) { stdout.write(`${groupHelp(target[0]!)}\n`); return 0; }
      throw usage(`help: unknown command ${JSON.stringify(target.join(' '))}`, 'see localtls --help');
    }
    if (first === '--version' || first === '-v') { stdout.write(`${await version()}\n`); return 0; }
    const found = findCommand(argv);
    if (!found) {
      if (GROUPS.includes(first)) {
        const sub = argv[1];
        if (sub === '--help' || sub === '-h') { stdout.write(`${groupHelp(first)}\n`); return 0; }
        if (sub === undefined) {
          out.error(usage(`localtls ${first}: expected a subcommand`, `see localtls ${first} --help`));
          stderr.write(`\n${groupHelp(first)}\n`);
          return 2;
        }
        throw usage(`localtls ${first}: unknown subcommand ${JSON.stringify(sub)}; expected ${COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name.split(' ')[1]).join(', ')}`, `see localtls ${first} --help`);
      }
      throw usage(`unknown command ${JSON.stringify(first)}; expected one of ${[...new Set(COMMANDS.map((c) => c.name.split(' ')[0]))].join(', ')}`, 'see localtls --help');
    }
    const { command, rest } = found;
    const { values, positionals } = parseCommand(command, rest);
    if (values.help) { stdout.write(`${commandHelp(command)}\n`); return 0; }
    const files: { home?: string; p12?: string } = {};
    if (typeof values['password-file'] === 'string') files.home = values['password-file'];
    if (typeof values['p12-password-file'] === 'string') files.p12 = values['p12-password-file'];
    const ctx: Context = {
      values, positionals, out, env, stdin,
      secrets: new Secrets({ files, env, stdin, stderr }),
      home: resolveHome(typeof values.home === 'string' ? values.home : undefined, env),
      signal: io.signal ?? new AbortController().signal,
    };
    const code = await command.run(ctx);
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    const err = asLocalTlsError(error);
    out.error(err);
    if (env.LOCALTLS_DEBUG && error instanceof Error && !isLocalTlsError(error)) stderr.write(`${error.stack}\n`);
    return err.code === 'USAGE' ? 2 : 1;
  }
}
