// What the throwaway servers of the tests (PostgreSQL, HAProxy) share: a temporary folder that says
// which process made it, a free port on 127.0.0.1, and clean-up that also runs when the test
// process exits without stopping them (a failed test, an exception), plus removal of folders left
// by a test process that was killed outright.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cleanups = new Set();

let hooked = false;

function runCleanups() {
  for (const c of [...cleanups]) {
    cleanups.delete(c);
    try {
      c();
    } catch {
      // exiting: nothing more can be done about one that fails
    }
  }
}

/**
 * Runs `cleanup` (synchronous) when the process exits, unless `cancel()` was called first: on
 * 'exit', and on SIGTERM, SIGINT and SIGHUP (vitest ends its worker processes with SIGTERM, which
 * skips 'exit'), after which the signal is raised again with its usual effect.
 */
export function onExit(cleanup) {
  if (!hooked) {
    hooked = true;
    process.on('exit', runCleanups);
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
      const handler = () => {
        runCleanups();
        process.removeListener(signal, handler);
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      };
      process.on(signal, handler);
    }
  }
  cleanups.add(cleanup);
  return { cancel: () => cleanups.delete(cleanup) };
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * A new folder under the system's temporary folder, named PREFIX-XXXXXX, holding the pid of this
 * process in `owner`. Folders of the same prefix whose owner is no longer running are removed
 * first (their servers stop on their own: each is started to die with its parent).
 */
export function throwawayFolder(prefix) {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(`${prefix}-`)) continue;
    const dir = join(tmpdir(), name);
    let owner;
    try {
      owner = Number(readFileSync(join(dir, 'owner'), 'utf8'));
    } catch {
      continue; // being made right now, or not ours
    }
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) rmSync(dir, { recursive: true, force: true });
  }
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  writeFileSync(join(dir, 'owner'), String(process.pid));
  return dir;
}

/** A port on 127.0.0.1 that nothing listened on a moment ago (the caller retries if it is taken). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port on 127.0.0.1'))));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The last `lines` lines of a program's output, for an error message. */
export function tail(text, lines = 15) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
