/**
 * Output: human text on stdout, errors and prompts on stderr, JSON with `--json`. Colour only when
 * the stream is a terminal, never when NO_COLOR is set (https://no-color.org) or with --no-color.
 */
import { LocalTlsError } from '../index.js';

/** A writable stream as the CLI needs it. */
export interface TextStream {
  write(text: string | Uint8Array): boolean;
  isTTY?: boolean;
}

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
type Style = keyof typeof CODES;

/** True when colour may be used on `stream`. @example `useColor(process.stdout, process.env, false)` */
export function useColor(stream: TextStream, env: NodeJS.ProcessEnv, disabled: boolean): boolean {
  if (disabled) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** Where a command writes. */
export class Output {
  readonly stdout: TextStream;
  readonly stderr: TextStream;
  /** True with --json: commands print one JSON document on stdout and no text. */
  readonly json: boolean;
  readonly #color: boolean;
  readonly #errColor: boolean;
  #printedJson = false;

  constructor(options: { stdout: TextStream; stderr: TextStream; env: NodeJS.ProcessEnv; json: boolean; noColor: boolean }) {
    this.stdout = options.stdout;
    this.stderr = options.stderr;
    this.json = options.json;
    this.#color = useColor(options.stdout, options.env, options.noColor);
    this.#errColor = useColor(options.stderr, options.env, options.noColor);
  }

  /** Styles text for stdout (a no-op without colour). */
  style(style: Style, text: string): string {
    return this.#color ? paint(style, text) : text;
  }

  /** A line of human text on stdout (suppressed with --json). */
  line(text = ''): void {
    if (!this.json) this.stdout.write(`${text}\n`);
  }

  /** A line on stderr (progress, notes); always shown, never mixed into JSON on stdout. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** A warning on stderr, in yellow on a terminal. */
  warn(text: string): void {
    this.stderr.write(`${this.#errColor ? paint('yellow', 'warning:') : 'warning:'} ${text}\n`);
  }

  /** Prints `value` as JSON on stdout (Dates as ISO strings, bytes as hex). */
  printJson(value: unknown): void {
    this.#printedJson = true;
    this.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
  }

  /** Prints `CODE: message` and the hint on stderr; with --json also a JSON error on stdout (unless a JSON document was already printed). */
  error(error: LocalTlsError): void {
    const code = this.#errColor ? paint('red', paint('bold', error.code)) : error.code;
    this.stderr.write(`${code}: ${error.message}\n`);
    if (error.hint) this.stderr.write(`  hint: ${error.hint}\n`);
    if (this.json && !this.#printedJson) this.printJson({ error: { code: error.code, message: error.message, hint: error.hint } });
  }

  /** `label  value` rows, aligned. */
  table(rows: [string, string][], indent = '  '): void {
    const width = Math.max(0, ...rows.map(([k]) => k.length)) + 2;
    for (const [k, v] of rows) this.line(`${indent}${this.style('dim', k.padEnd(width))}${v}`);
  }
}

function paint(style: Style, text: string): string {
  const [open, close] = CODES[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Date) return raw.toISOString();
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('hex');
  return value;
}
