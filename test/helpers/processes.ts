// Running the built programs as a user would: separate processes, real arguments, real output.
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const COLLECTOR_CLI = `${ROOT}collector/dist/cli.js`;
export const AGENT_CLI = `${ROOT}agent/dist/cli.js`;

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cli: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cli} ${args.join(' ')} did not finish in time\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RunningCollector {
  port: number;
  address: string;
  /** http://127.0.0.1:PORT of the HTTP API */
  api: string;
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startCollector(db: string, tlsDir: string, extra: string[] = []): Promise<RunningCollector> {
  const child = spawn(process.execPath, [COLLECTOR_CLI, 'serve', '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', '--db', db, '--tls-dir', tlsDir, ...extra], {
    env: { ...process.env, FARMWATCH_LOG_FORMAT: 'json' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [port, apiPort] = await new Promise<[number, number]>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+) .*API on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m?.[1] && m[2]) resolve([Number(m[1]), Number(m[2])]);
    });
    child.once('exit', (code) => reject(new Error(`collector exited (${code}) before listening:\n${stderr}`)));
  });
  return {
    port,
    address: `127.0.0.1:${port}`,
    api: `http://127.0.0.1:${apiPort}`,
    child,
    stderr: () => stderr,
    stop: (signal = 'SIGTERM') => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    }),
  };
}

/**
 * `npm start` (or scripts/start.mjs) as a child: everything it prints, and a promise that settles
 * when it says it is ready ("Ctrl-C stops both"), or fails when it exits first or takes too long.
 */
export function startOutput(child: ChildProcess, timeoutMs: number): { out: () => string; ready: Promise<void> } {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const done = (err?: Error): void => {
      clearTimeout(timer);
      clearInterval(check);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`npm start was not ready in ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    const check = setInterval(() => {
      if (/Ctrl-C stops both/.test(out)) done();
      else if (child.exitCode !== null) done(new Error(`npm start exited (${child.exitCode}) before it was ready:\n${out}`));
    }, 100);
  });
  return { out: () => out, ready };
}
