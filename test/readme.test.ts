// The README's quick start, tested as written: the repository is cloned into a temporary folder
// with nothing beside it (no ../shared), `npm start` runs there, and once it says it is ready every
// command of the README's "While it runs" block runs verbatim in a shell, from that folder, as a
// user would type it in another terminal. Each must exit as the README says and name this machine.
// Ctrl-C (SIGINT to npm start's process group, as a terminal sends it) stops everything.
//
// The clone gets a hard-linked copy of this checkout's node_modules when the lock files agree, so
// that the test does not spend minutes compiling the same native addons again; everything else
// (the TypeScript build, the programs' links, the console bundle, the agent executable,
// certificates, the database) is made in the clone by `npm start` itself. CI runs `npm test` on a
// fresh clone, which is the run without node_modules.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, startOutput } from './helpers/processes.js';

interface ReadmeCommand {
  line: string;
  /** Exit codes the README gives the command (`# ... exit 1: ...` in its comment), besides 0. */
  exitCodes: number[];
}

/** The commands of the fenced block that follows "While it runs". */
export function whileItRuns(readme: string): ReadmeCommand[] {
  const at = readme.indexOf('While it runs');
  if (at < 0) throw new Error('README.md has no "While it runs" block');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block?.[1]) throw new Error('README.md\'s "While it runs" has no ```sh block');
  return block[1].split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).map((l) => {
    const hash = l.indexOf(' #');
    const comment = hash >= 0 ? l.slice(hash) : '';
    const codes = [...comment.matchAll(/exit (\d+)/g)].map((m) => Number(m[1]));
    return { line: (hash >= 0 ? l.slice(0, hash) : l).trim(), exitCodes: codes };
  });
}

function sh(line: string, cwd: string, env: NodeJS.ProcessEnv): { code: number | null; out: string } {
  // A shell on purpose: the README's lines are shell lines ($(hostname)), run as a user types them.
  const r = spawnSync('sh', ['-c', line], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** After a failure: Ctrl-C as a terminal sends it, then SIGKILL for whatever is left. */
async function stopEverything(start: ReturnType<typeof spawn> | undefined, runFile: string): Promise<void> {
  if (!start?.pid || start.exitCode !== null) return;
  const held = existsSync(runFile) ? (JSON.parse(readFileSync(runFile, 'utf8')) as { collectorPid?: number; agentPid?: number }) : {};
  const gone = new Promise((resolve) => start.once('exit', resolve));
  process.kill(-start.pid, 'SIGINT');
  await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  for (const pid of [-start.pid, held.agentPid, held.collectorPid]) {
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

describe('the README block parser', () => {
  it('takes the commands and the exit codes their comments give', () => {
    const cmds = whileItRuns('x\nWhile it runs:\n\n```sh\nnpx a b   # one\nnpx c   # two (exit 1: found)\n\n```\n```sh\nnot this\n```');
    expect(cmds).toEqual([{ line: 'npx a b', exitCodes: [] }, { line: 'npx c', exitCodes: [1] }]);
  });
  it('fails on a README without the block', () => {
    expect(() => whileItRuns('# nothing here')).toThrow(/While it runs/);
  });
});

describe.runIf(process.platform === 'linux')('the README, as written, in a fresh clone', () => {
  it('npm start, then every "While it runs" command, then Ctrl-C', async () => {
    const commands = whileItRuns(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(commands.length).toBeGreaterThanOrEqual(3);
    const top = mkdtempSync(join(tmpdir(), 'farmwatch-readme-'));
    const clone = join(top, 'farmwatch');
    const env: NodeJS.ProcessEnv = { ...process.env, FARMWATCH_PORT: '0', CI: 'true' };
    // The user's defaults, not this run's: no state folder or database from the environment, and a
    // registry that answers nothing, so a command that would fetch a package fails here.
    for (const key of ['FARMWATCH_HOME', 'FARMWATCH_DB', 'FARMWATCH_HTTP_PORT', 'npm_config_prefix']) delete env[key];
    for (const key of Object.keys(env)) if (/^npm_(package|lifecycle)_/.test(key)) delete env[key];
    env.npm_config_registry = 'http://127.0.0.1:9/';
    env.npm_config_offline = 'true';
    let start: ReturnType<typeof spawn> | undefined;
    try {
      const cloned = spawnSync('git', ['clone', '-q', ROOT, clone], { encoding: 'utf8' });
      expect(cloned.status, cloned.stderr).toBe(0);
      expect(readdirSync(top)).toEqual(['farmwatch']); // nothing beside it
      const lock = (dir: string): string => readFileSync(join(dir, 'package-lock.json'), 'utf8');
      if (existsSync(join(ROOT, 'node_modules', '.farmwatch-lock-sha256')) && lock(ROOT) === lock(clone)) {
        // The root's node_modules and the workspaces' own (npm puts a version that differs from the
        // root's there, e.g. shared/node_modules/commander).
        const { workspaces } = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { workspaces: string[] };
        for (const dir of ['.', ...workspaces]) {
          const from = join(ROOT, dir, 'node_modules');
          const to = join(clone, dir, 'node_modules');
          // Hard links where the temporary folder is on the same file system, a copy where it is not.
          if (existsSync(from) && spawnSync('cp', ['-al', from, to]).status !== 0) {
            rmSync(to, { recursive: true, force: true });
            expect(spawnSync('cp', ['-a', from, to]).status).toBe(0);
          }
        }
        rmSync(join(clone, 'node_modules', '.bin', 'farmwatch-agent'), { force: true });
        rmSync(join(clone, 'node_modules', '.bin', 'farmwatch-collector'), { force: true });
      }

      start = spawn('npm', ['start'], { cwd: clone, env, detached: true });
      const started = startOutput(start, 480_000);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => start?.once('exit', (code, signal) => resolve({ code, signal })));
      await started.ready;
      const out = started.out();
      expect(out).toContain(`agent reporting this machine as ${hostname()}`);

      for (const { line, exitCodes } of commands) {
        const r = sh(line, clone, env);
        expect([0, ...exitCodes], `${line} exited ${r.code}:\n${r.out}`).toContain(r.code);
        expect(r.out, `${line} does not name this machine:\n${r.out}`).toContain(hostname());
        expect(r.out).not.toMatch(/npm (error|ERR!)|404 Not Found|ENOENT|EISDIR/);
      }
      // The same from a subfolder: the programs find npm start's state by the repository, not the folder.
      const sub = sh(commands[0]?.line ?? '', join(clone, 'collector'), env);
      expect([0, ...(commands[0]?.exitCodes ?? [])], sub.out).toContain(sub.code);
      expect(sub.out).toContain(hostname());

      // A second npm start on the same state folder is refused and says who holds it.
      const second = spawnSync('node', ['scripts/start.mjs'], { cwd: clone, env, encoding: 'utf8', timeout: 60_000 });
      expect(second.status).toBe(2);
      expect(second.stderr).toMatch(/another npm start \(pid \d+, since .*\) is running with the state folder var/);

      process.kill(-(start.pid ?? 0), 'SIGINT');
      const ended = await exited;
      start = undefined;
      expect(started.out()).toMatch(/Ctrl-C; stopping what it started:\n {2}the agent \(pid \d+\) stopped, and told the collector it was stopped\n {2}the collector \(pid \d+\) stopped/);
      // npm itself ends by the Ctrl-C it was sent (as in a terminal), after start.mjs stopped cleanly (exit 0, test/npm-start.test.ts).
      expect(ended.code === 0 || ended.signal === 'SIGINT', `npm start ended with ${JSON.stringify(ended)}`).toBe(true);
      expect(started.out()).toContain('npm start: stopped. The state folder');
      expect(existsSync(join(clone, 'var', 'npm-start.json'))).toBe(false);
      // The programs were ours, linked in node_modules/.bin, not fetched.
      expect(readdirSync(join(clone, 'node_modules', '.bin'))).toEqual(expect.arrayContaining(['farmwatch-agent', 'farmwatch-collector']));
    } finally {
      await stopEverything(start, join(clone, 'var', 'npm-start.json'));
      rmSync(top, { recursive: true, force: true });
    }
  }, 600_000);
});
