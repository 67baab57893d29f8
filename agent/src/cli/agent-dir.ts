// Which agent folder a command reads. `--dir DIR` (what `enroll --dir` filled): the identity files
// in it, and DIR as the state folder unless --state-dir says otherwise. With no folder given, from a
// repository checkout, the agent `npm start` runs (<root>/var/agent, or $FARMWATCH_HOME/agent) when
// the system's state folder holds none.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkoutAgentDir } from '@farmwatch/shared';
import type { AgentConfig } from '../config/index.js';
import { identityFilesIn } from '../enroll/files.js';
import { STATUS_FILE } from '../runtime/status-file.js';

/** This program's file (agent/dist/cli.js); undefined inside the single executable's bundle. */
const PROGRAM_FILE = import.meta.url ? fileURLToPath(new URL('../cli.js', import.meta.url)) : undefined;

/** The settings `--dir DIR` stands for. */
export function dirSettings(dir: string | undefined, stateDir: string | undefined): Record<string, unknown> {
  if (dir === undefined) return {};
  const f = identityFilesIn(dir);
  return { ca_file: f.ca, cert_file: f.cert, key_file: f.key, ...(stateDir === undefined ? { state_dir: dir } : {}) };
}

/** An agent has been here: it was enrolled into this folder, or ran from it. */
function holdsAgent(dir: string): boolean {
  return existsSync(identityFilesIn(dir).cert) || existsSync(join(dir, STATUS_FILE));
}

/**
 * The checkout's agent folder, when the configuration (read without flags) names a state folder
 * with no agent in it and the checkout's folder holds one; undefined otherwise.
 */
export function checkoutAgentFolder(config: AgentConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = checkoutAgentDir(PROGRAM_FILE, env);
  if (dir === undefined || existsSync(config.cert_file) || existsSync(join(config.state_dir, STATUS_FILE))) return undefined;
  return holdsAgent(dir) ? dir : undefined;
}
