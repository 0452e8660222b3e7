/**
 * The one place where crypto engines are configured. Importing this module:
 * - imports `reflect-metadata` (required by @peculiar/x509 2.x),
 * - gives @peculiar/x509 and pkijs Node's built-in WebCrypto (native OpenSSL, faster than
 *   a JavaScript polyfill; see docs/design.md).
 * Nothing else in the package touches these globals.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as pkijs from 'pkijs';

/** Node's WebCrypto. */
export const nodeCrypto = webcrypto;

x509.cryptoProvider.set(nodeCrypto as never);
pkijs.setEngine('localtls-node', new pkijs.CryptoEngine({ name: 'localtls-node', crypto: nodeCrypto as never }));

/** @peculiar/x509, configured. Import x509 from here, never directly. */
export { x509, pkijs };
/** The SubtleCrypto used everywhere. */
export const subtle: webcrypto.SubtleCrypto = nodeCrypto.subtle;
