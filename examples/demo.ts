/**
 * The localtls demo: the restaurant flow on loopback, narrated step by step.
 * Run: `npm ci && npm run demo` (or `localtls demo`). The implementation lives in src/cli/demo.ts,
 * shared with the CLI; it uses the public API only.
 */
import { runDemo } from '../src/cli/demo.js';

try {
  await runDemo();
  console.log('\nDone: every step behaved as the flow says.');
} catch (error) {
  console.error(error instanceof Error ? error.toString() : String(error));
  process.exitCode = 1;
}
