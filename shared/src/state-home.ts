// Where the command-line programs keep their state by default. Run from a repository checkout
// (the program's file is <root>/collector/dist/cli.js or <root>/agent/dist/cli.js and
// <root>/package.json is farmwatch's), the state is the checkout's, wherever the command is typed:
// $FARMWATCH_HOME or <root>/var, as `npm start` keeps it (collector.db, agent/). Installed anywhere
// else (the .deb, the agent's single executable), the defaults are the installed ones.
import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout a program's file belongs to, or undefined when it is installed elsewhere. */
export function checkoutRoot(programFile: string | undefined): string | undefined {
  if (!programFile) return undefined;
  let file: string;
  try {
    file = realpathSync(programFile.startsWith('file:') ? fileURLToPath(programFile) : programFile);
  } catch {
    return undefined;
  }
  const dist = dirname(file);
  const workspace = dirname(dist);
  if (basename(file) !== 'cli.js' || basename(dist) !== 'dist' || !['collector', 'agent'].includes(basename(workspace))) return undefined;
  const root = dirname(workspace);
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown };
    return pkg.name === 'farmwatch' ? root : undefined;
  } catch {
    return undefined;
  }
}

/** The state folder of a checkout: $FARMWATCH_HOME or <root>/var; undefined outside a checkout. */
export function checkoutHome(programFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const root = checkoutRoot(programFile);
  if (root === undefined) return undefined;
  return env.FARMWATCH_HOME || join(root, 'var');
}

/** The collector's database: $FARMWATCH_DB, else <home>/collector.db in a checkout, else var/collector.db. */
export function defaultDatabase(programFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (env.FARMWATCH_DB) return env.FARMWATCH_DB;
  const home = checkoutHome(programFile, env);
  return home === undefined ? join('var', 'collector.db') : join(home, 'collector.db');
}

/** The agent's state folder in a checkout (<home>/agent, what `npm start` enrolls), or undefined. */
export function checkoutAgentDir(programFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const home = checkoutHome(programFile, env);
  return home === undefined ? undefined : join(home, 'agent');
}
