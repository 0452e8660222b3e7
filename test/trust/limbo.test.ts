/**
 * x509-limbo conformance (C2SP/x509-limbo native cases, vendored in test/vectors/limbo/): each case
 * is run through evaluateTrust — peer certificate + untrusted intermediates as the chain, trusted
 * certificates as anchors, the case's validation time — under `ssl` (SERVER cases with a DNS or IP
 * peer name) and under `basicX509` (cases whose verdict cannot depend on the peer name). Cases that
 * need features evaluateTrust does not have (CRLs, a maximum chain depth) are not run. The pass
 * counts may only go up: raise the floors when a fix lands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateTrustSync, type TrustPolicy } from '../../src/trust/index.js';

interface LimboCase {
  id: string;
  features: string[] | null;
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  expected_result: 'SUCCESS' | 'FAILURE';
  expected_peer_name: { kind: string; value: string } | null;
}

const FILE = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../test/vectors/limbo/limbo-native.json' : '../vectors/limbo/limbo-native.json', import.meta.url));
const CASES = (JSON.parse(readFileSync(FILE, 'utf8')) as { testcases: LimboCase[] }).testcases;
const UNSUPPORTED_FEATURES = new Set(['has-crl', 'max-chain-depth']);
const NAME_DEPENDENT = /^(rfc5280::nc::|rfc5280::san::|webpki::san::|webpki::cn::|webpki::nc::)|nc-dos|cve-2025-61727|wrong-san/;

const supported = CASES.filter((c) => !(c.features ?? []).some((f) => UNSUPPORTED_FEATURES.has(f)));
const sslCases = supported.filter((c) => c.validation_kind === 'SERVER' && (c.expected_peer_name?.kind === 'DNS' || c.expected_peer_name?.kind === 'IP'));
const basicCases = supported.filter((c) => !NAME_DEPENDENT.test(c.id));

function verdict(c: LimboCase, policy: TrustPolicy): boolean {
  const time = c.validation_time ? new Date(c.validation_time) : new Date();
  return evaluateTrustSync([c.peer_certificate, ...c.untrusted_intermediates], { anchors: c.trusted_certs, policy, time, cache: false }).trusted;
}

function run(cases: LimboCase[], policyOf: (c: LimboCase) => TrustPolicy): { passed: number; failed: string[] } {
  const failed: string[] = [];
  for (const c of cases) if (verdict(c, policyOf(c)) !== (c.expected_result === 'SUCCESS')) failed.push(c.id);
  return { passed: cases.length - failed.length, failed };
}

/**
 * Known differences, each with its reason. A case listed here may start passing (then remove it);
 * a case not listed must pass.
 */
export const KNOWN_DIFFERENCES: Record<string, string> = {};

const SSL_FLOOR = 113;
const BASIC_FLOOR = 53;

test(`x509-limbo ssl: at least ${SSL_FLOOR} of ${sslCases.length} native SERVER cases agree`, () => {
  const { passed, failed } = run(sslCases, (c) => ({ kind: 'ssl', hostname: c.expected_peer_name!.value }));
  console.log(`limbo ssl ${passed}/${sslCases.length}; differing: ${failed.join(' ')}`);
  assert.ok(passed >= SSL_FLOOR, `ssl: ${passed}/${sslCases.length} passed; floor ${SSL_FLOOR}`);
});

test(`x509-limbo basicX509: at least ${BASIC_FLOOR} of ${basicCases.length} name-independent cases agree`, () => {
  const { passed, failed } = run(basicCases, () => ({ kind: 'basicX509' }));
  console.log(`limbo basicX509 ${passed}/${basicCases.length}; differing: ${failed.join(' ')}`);
  assert.ok(passed >= BASIC_FLOOR, `basicX509: ${passed}/${basicCases.length} passed; floor ${BASIC_FLOOR}`);
});
