// Real processes with chosen names, for sensors and detectors to find: a copy of /bin/sleep under
// the name, started for the test and killed after it.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NamedProcess {
  pid: number;
  path: string;
  stop(): void;
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
  return {
    pid: child.pid ?? -1,
    path,
    stop: () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
