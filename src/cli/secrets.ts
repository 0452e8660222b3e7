/**
 * Passphrases for the CLI: from a file, an environment variable or a terminal prompt with echo
 * off. Never from the command line itself (argv is visible to every user of the machine).
 *
 * Two secrets exist:
 * - the home passphrase (the CA's key, the identity store): `--password-file FILE`,
 *   `LOCALTLS_PASSPHRASE`, or a prompt;
 * - a PKCS#12 file's password: `--p12-password-file FILE`, `LOCALTLS_P12_PASSPHRASE`, or a prompt.
 */
import { readFile } from 'node:fs/promises';
import { LocalTlsError } from '../index.js';
import type { TextStream } from './output.js';

/** A terminal input stream as the prompt needs it. */
export interface PromptInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** Which secret. */
export type SecretKind = 'home' | 'p12';

const SOURCES: Record<SecretKind, { option: string; env: string }> = {
  home: { option: 'password-file', env: 'LOCALTLS_PASSPHRASE' },
  p12: { option: 'p12-password-file', env: 'LOCALTLS_P12_PASSPHRASE' },
};

/** Reads secrets once per run and caches them. */
export class Secrets {
  readonly #files: Partial<Record<SecretKind, string>>;
  readonly #env: NodeJS.ProcessEnv;
  readonly #stdin: PromptInput;
  readonly #stderr: TextStream;
  readonly #cache = new Map<SecretKind, string>();

  constructor(options: { files: Partial<Record<SecretKind, string>>; env: NodeJS.ProcessEnv; stdin: PromptInput; stderr: TextStream }) {
    this.#files = options.files;
    this.#env = options.env;
    this.#stdin = options.stdin;
    this.#stderr = options.stderr;
  }

  /** True when a file or the environment provides this secret (no prompt needed). */
  available(kind: SecretKind): boolean {
    return this.#cache.has(kind) || this.#files[kind] !== undefined || !!this.#env[SOURCES[kind].env];
  }

  /**
   * The secret: from its file, else its environment variable, else a prompt on the terminal
   * (twice when `confirm`, for a new passphrase).
   * @throws PASSWORD_REQUIRED when there is no source; IO_ERROR when the file cannot be read
   */
  async get(kind: SecretKind, purpose: string, options: { confirm?: boolean } = {}): Promise<string> {
    const cached = this.#cache.get(kind);
    if (cached !== undefined) return cached;
    const source = SOURCES[kind];
    let secret: string;
    const file = this.#files[kind];
    if (file !== undefined) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (cause) {
        throw new LocalTlsError('IO_ERROR', `--${source.option} ${file}: expected a readable file; ${(cause as NodeJS.ErrnoException).code ?? 'could not read it'}`, { cause });
      }
      secret = text.split(/\r?\n/)[0] ?? '';
      if (secret === '') throw new LocalTlsError('PASSWORD_REQUIRED', `--${source.option} ${file}: expected the passphrase on its first line; found an empty line`);
    } else if (this.#env[source.env]) {
      secret = this.#env[source.env]!;
    } else if (this.#stdin.isTTY && typeof this.#stdin.setRawMode === 'function') {
      secret = await this.#prompt(`${purpose}: `);
      if (secret === '') throw new LocalTlsError('PASSWORD_REQUIRED', `${purpose}: expected a passphrase; found an empty one`);
      if (options.confirm && (await this.#prompt('again, to confirm: ')) !== secret) {
        throw new LocalTlsError('BAD_PASSWORD', `${purpose}: the two passphrases typed differ`, { hint: 'run the command again and type the same passphrase twice' });
      }
    } else {
      throw new LocalTlsError('PASSWORD_REQUIRED', `${purpose}: expected a passphrase; found no --${source.option}, no ${source.env} and no terminal to ask on`, {
        hint: `pass --${source.option} FILE or set ${source.env}`,
      });
    }
    this.#cache.set(kind, secret);
    return secret;
  }

  /** Reads a line with echo off. Ctrl-C aborts with CANCELLED. */
  #prompt(question: string): Promise<string> {
    const input = this.#stdin;
    this.#stderr.write(question);
    return new Promise((resolve, reject) => {
      let typed = '';
      const finish = (error?: LocalTlsError) => {
        input.removeListener('data', onData);
        input.setRawMode!(false);
        input.pause();
        this.#stderr.write('\n');
        if (error) reject(error); else resolve(typed);
      };
      const onData = (chunk: Buffer | string) => {
        for (const ch of chunk.toString()) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
          if (ch === '\u0003') return finish(new LocalTlsError('CANCELLED', 'passphrase prompt: cancelled with Ctrl-C'));
          if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
          else if (ch >= ' ') typed += ch;
        }
      };
      input.setRawMode!(true);
      input.resume();
      input.on('data', onData);
    });
  }
}
