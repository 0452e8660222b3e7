/**
 * The shape of a CLI command and its argument parsing (node:util parseArgs, strict), with the
 * options every command shares: --home, --json, --password-file, --no-color, --help.
 */
import { parseArgs } from 'node:util';
import { LocalTlsError } from '../index.js';
import type { Output } from './output.js';
import type { Secrets } from './secrets.js';

/** One option of a command, as parseArgs takes it plus what `--help` prints. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** The value's placeholder in help, e.g. 'FILE'. */
  value?: string;
  description: string;
}

/** What a command's `run` receives. */
export interface Context {
  /** Parsed option values (strings, booleans, string arrays) by option name. */
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  out: Output;
  secrets: Secrets;
  /** The localtls home directory (already resolved; not necessarily existing). */
  home: string;
  env: NodeJS.ProcessEnv;
  /** Standard input (for `connect`), and a signal that aborts long-running commands (serve). */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  signal: AbortSignal;
}

/** A command: `localtls <name…>`. */
export interface Command {
  /** Words after `localtls`, e.g. 'ca create'. */
  name: string;
  summary: string;
  /** Positional arguments in the usage line, e.g. '<host…>'. */
  args?: string;
  /** Longer text shown by --help, after the summary. */
  details?: string;
  options: Record<string, OptionSpec>;
  positionals: { min: number; max: number };
  /** Shell lines shown by --help and in docs/cli.md. */
  examples: string[];
  /** True when the command needs no password option (hides --password-file from help). */
  noPassword?: boolean;
  run(ctx: Context): Promise<number | void>;
}

/** The options every command accepts. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  home: { type: 'string', value: 'DIR', description: 'state directory (default: $LOCALTLS_HOME, else the per-user data directory)' },
  json: { type: 'boolean', description: 'print machine-readable JSON instead of text' },
  'password-file': { type: 'string', value: 'FILE', description: 'read the passphrase (CA key, identity store) from FILE (else $LOCALTLS_PASSPHRASE, else a prompt)' },
  'no-color': { type: 'boolean', description: 'no colour (also when NO_COLOR is set or output is not a terminal)' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/**
 * A usage error: exit code 2, printed as `USAGE: message`.
 * @example `throw usage('issue: expected at least one host, e.g. localtls issue listener-name.local')`
 */
export function usage(message: string, hint?: string): LocalTlsError {
  return new LocalTlsError('USAGE', message, { hint: hint ?? 'see --help' });
}

/** Parses `argv` for `command`. @throws USAGE for unknown options, missing values, wrong counts */
export function parseCommand(command: Command, argv: string[]): { values: Context['values']; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, spec] of Object.entries({ ...COMMON_OPTIONS, ...command.options })) {
    options[name] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw usage(`localtls ${command.name}: ${message}`, `see localtls ${command.name} --help`);
  }
  const values = parsed.values as Context['values'];
  if (values.help) return { values, positionals: parsed.positionals };
  const count = parsed.positionals.length;
  if (count < command.positionals.min || count > command.positionals.max) {
    const expected = command.positionals.min === command.positionals.max
      ? `${command.positionals.min} argument(s)`
      : command.positionals.max === Infinity ? `at least ${command.positionals.min} argument(s)` : `${command.positionals.min} to ${command.positionals.max} arguments`;
    throw usage(`localtls ${command.name}: expected ${expected}${command.args ? ` (${command.args})` : ''}; found ${count}${count > 0 ? ` (${parsed.positionals.join(' ')})` : ''}`, `see localtls ${command.name} --help`);
  }
  return { values, positionals: parsed.positionals };
}

/** Checks a string option against its accepted values. @throws USAGE */
export function choice<T extends string>(name: string, value: unknown, accepted: readonly T[], fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === 'string' && (accepted as readonly string[]).includes(value)) return value as T;
  throw usage(`--${name}: expected ${accepted.join(' or ')}; found ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
}

/** Parses an integer option within a range. @throws USAGE */
export function integer(name: string, value: unknown, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw usage(`--${name}: expected a whole number from ${min} to ${max}; found ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  return n;
}

/** A string option's value, or undefined. */
export function str(ctx: Context, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A string option's value. @throws USAGE when it is missing */
export function required(ctx: Context, name: string, why: string): string {
  const v = str(ctx, name);
  if (v === undefined || v === '') throw usage(`--${name} is required: ${why}`);
  return v;
}

/** A repeatable string option's values (empty when absent). */
export function list(ctx: Context, name: string): string[] {
  const v = ctx.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** A boolean option's value. */
export function flag(ctx: Context, name: string): boolean {
  return ctx.values[name] === true;
}

/** Help text for a command. */
export function commandHelp(command: Command): string {
  const lines = [`localtls ${command.name}${command.args ? ` ${command.args}` : ''} [options]`, '', command.summary];
  if (command.details) lines.push('', command.details);
  const all = Object.entries({ ...command.options, ...COMMON_OPTIONS }).filter(([name]) => !(command.noPassword && name === 'password-file'));
  lines.push('', 'Options:');
  const left = all.map(([name, spec]) => `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}${spec.multiple ? ' (repeatable)' : ''}`);
  const width = Math.min(40, Math.max(...left.map((l) => l.length)) + 2);
  all.forEach(([, spec], i) => lines.push(`  ${left[i]!.padEnd(width)}${spec.description}`));
  if (command.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const example of command.examples) lines.push(`  ${example}`);
  }
  return lines.join('\n');
}
