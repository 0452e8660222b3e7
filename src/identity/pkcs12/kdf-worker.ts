/**
 * Worker thread for long PKCS#12 KDF runs (see kdf.ts): receives one KdfRequest, runs it to the
 * end and posts the derived bytes back. Keeps million-iteration derivations off the event loop.
 */
import { parentPort } from 'node:worker_threads';
import { kdfSteps, type KdfRequest } from './kdf.js';

parentPort?.on('message', (req: KdfRequest) => {
  const steps = kdfSteps(req);
  let step = steps.next();
  while (!step.done) step = steps.next();
  parentPort!.postMessage(step.value);
});
