#!/usr/bin/env node
/**
 * The `localtls` command (package.json `bin`). Runs the dispatcher with the process's argv and
 * streams; SIGINT/SIGTERM stop long-running commands (serve, connect) cleanly.
 */
import { run } from './run.js';

// `localtls … | head`: the reader went away; stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const controller = new AbortController();
const stop = (): void => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const code = await run(process.argv.slice(2), { signal: controller.signal });
process.exitCode = code;
process.off('SIGINT', stop);
process.off('SIGTERM', stop);
// Exit even if a library handle lingers; an unref'd timer never keeps the process alive itself.
setTimeout(() => process.exit(code), 1000).unref();
