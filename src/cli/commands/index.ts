/** Every command, in the order `localtls --help` lists them. */
import type { Command } from '../command.js';
import { caCommands } from './ca.js';
import { issueCommands } from './issue.js';
import { p12Commands } from './p12.js';
import { storeCommands } from './store.js';
import { storeCheckCommands } from './store-check.js';
import { trustCommands } from './trust.js';
import { lintCommands } from './lint.js';
import { inspectCommands } from './inspect.js';
import { serveCommands } from './serve.js';
import { connectCommands } from './connect.js';
import { demoCommands } from './demo.js';
import { enrollCommands } from './enroll.js';
import { systemTrustCommands } from './system-trust.js';
import { pairCommands } from './pair.js';
import { joinCommands } from './join.js';

/** All commands. */
export const COMMANDS: Command[] = [
  ...caCommands, ...issueCommands, ...p12Commands, ...storeCommands, ...storeCheckCommands, ...trustCommands, ...systemTrustCommands, ...inspectCommands, ...lintCommands,
  ...serveCommands, ...connectCommands, ...enrollCommands, ...pairCommands, ...joinCommands, ...demoCommands,
];

/** Names that take a subcommand. */
export const GROUPS = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!))];
