// One agent per state folder (src/state/folder-lock.ts): a running holder, in another process, is
// refused by name; a holder that is gone, a pid given to another program since, or a lock that is
// not one, is taken over; release removes only the process's own lock.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockStateFolder } from '../src/state/folder-lock.js';

const moduleUrl = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'state', 'folder-lock.js')).href;
let dir: string;
const lockPid = (): unknown => (JSON.parse(readFileSync(join(dir, 'agent.lock'), 'utf8')) as { pid?: unknown }).pid;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'farmwatch-lock-'));
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Another process that takes the lock and holds it until killed. */
async function holder(): Promise<ChildProcess> {
  const code = `const { lockStateFolder } = await import(${JSON.stringify(moduleUrl)}); lockStateFolder(${JSON.stringify(dir)}); process.stdout.write('held\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => { if (d.toString().includes('held')) resolve(); });
    child.once('exit', (codeOrNull) => reject(new Error(`the holder exited (${codeOrNull})`)));
  });
  return child;
}

describe('the state folder lock', () => {
  it('refuses a second agent while the first runs, naming it and what to do; takes over once it is killed', async () => {
    const first = await holder();
    expect(() => lockStateFolder(dir)).toThrow(new RegExp(`another farmwatch agent \\(pid ${first.pid}, running since .*\\) uses the state folder .*--state-dir`));
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;
    const lock = lockStateFolder(dir);
    expect(JSON.parse(readFileSync(join(dir, 'agent.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(existsSync(join(dir, 'agent.lock'))).toBe(false);
  });

  it.runIf(process.platform === 'linux')('does not take a pid the kernel gave to another program for the agent (start time differs)', () => {
    // A live process (this one's parent), but not started when the lock says.
    writeFileSync(join(dir, 'agent.lock'), JSON.stringify({ pid: process.ppid, start: '1', sinceMs: 1 }));
    const lock = lockStateFolder(dir);
    expect(lockPid()).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock that is not one (garbage, no pid)', () => {
    for (const text of ['not json', '{}', '{"pid": -4}']) {
      writeFileSync(join(dir, 'agent.lock'), text);
      const lock = lockStateFolder(dir);
      expect(lockPid()).toBe(process.pid);
      lock.release();
    }
  });

  it('release leaves a lock that another agent took meanwhile', () => {
    const lock = lockStateFolder(dir);
    writeFileSync(join(dir, 'agent.lock'), JSON.stringify({ pid: process.ppid, start: '', sinceMs: 1 }));
    lock.release();
    expect(existsSync(join(dir, 'agent.lock'))).toBe(true);
  });
});
