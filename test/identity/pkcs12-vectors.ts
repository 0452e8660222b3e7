/** Helpers for the PKCS#12 tests: the openssl-generated vectors in test/vectors/pkcs12. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Directory of the vectors (tests run from dist/test/identity). */
export const VECTOR_DIR = fileURLToPath(new URL('../../../test/vectors/pkcs12/', import.meta.url));

/** The password of every vector except empty-password* and utf8-password. */
export const PASSWORD = 'localtls-test';
/** The password of utf8-password.p12. */
export const UTF8_PASSWORD = 'pässwörd-🔑';

/** Bytes of one vector. */
export function vector(name: string): Uint8Array {
  return new Uint8Array(readFileSync(VECTOR_DIR + name));
}

/** Text of one vector. */
export function vectorText(name: string): string {
  return readFileSync(VECTOR_DIR + name, 'utf8');
}
