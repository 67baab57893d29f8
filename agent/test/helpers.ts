// Real processes with chosen names, for sensors and detectors to find: a copy of /bin/sleep under
// the name, or Node under the name holding a real socket, started for the test and killed after it.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NamedProcess {
  pid: number;
  path: string;
  stop(): void;
}

/** The started process, and how to end it and remove its folder. */
function named(child: ChildProcess, dir: string, path: string): NamedProcess {
  return {
    pid: child.pid ?? -1,
    path,
    stop: () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startNamedProcess(name: string): Promise<NamedProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-proc-'));
  const path = join(dir, name);
  copyFileSync('/bin/sleep', path);
  const child: ChildProcess = spawn(path, ['300'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return named(child, dir, path);
}

/**
 * A real process named `name` (Node run through a symlink of that name: the kernel names the
 * process after it) holding a UDP socket bound to, or a TCP socket listening on, `host:port`.
 */
export async function startNamedListener(name: string, protocol: 'udp' | 'tcp', host: string, port: number): Promise<NamedProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-listen-'));
  const path = join(dir, name);
  symlinkSync(process.execPath, path);
  const script = protocol === 'udp'
    ? `const s = require('node:dgram').createSocket('udp4'); s.bind(${port}, '${host}', () => console.log('ready'));`
    : `require('node:net').createServer().listen(${port}, '${host}', () => console.log('ready'));`;
  const child = spawn(path, ['-e', `${script} setTimeout(() => {}, 300000);`], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (b: Buffer) => { err += b.toString(); });
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`${name} exited with ${String(code)} before listening on ${protocol} ${host}:${port}: ${err}`)));
    child.once('error', reject);
  });
  return named(child, dir, path);
}
