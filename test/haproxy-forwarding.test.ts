// HAProxy in TCP mode really forwards, spreads connections over its backends and moves them to the
// ones left when one dies: two real server processes behind a real HAProxy (test/harness/haproxy.mjs),
// one killed with SIGKILL.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haproxyConfig, haproxyUnavailable, startHaproxy, type HaproxyServer } from './harness/haproxy.mjs';

const NAME_SERVER = fileURLToPath(new URL('./harness/name-server.mjs', import.meta.url));

interface NameServer {
  name: string;
  port: number;
  child: ChildProcessWithoutNullStreams;
}

function startNameServer(name: string): Promise<NameServer> {
  const child = spawn(process.execPath, [NAME_SERVER, name]);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m?.[1]) resolve({ name, port: Number(m[1]), child });
    });
    child.once('exit', (code) => reject(new Error(`name server ${name} exited (${code}) before listening`)));
  });
}

/** Connects to 127.0.0.1:port, sends `text`, and returns the greeting and the echo (or what came before the end). */
function converse(port: number, text: string): Promise<{ greeting: string; echo: string }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no greeting and echo through 127.0.0.1:${port} in 5 s (got ${JSON.stringify(got)})`));
    }, 5000);
    s.on('data', (d: Buffer) => {
      got += d.toString();
      const [greeting, echo] = got.split('\n');
      if (greeting !== undefined && echo === text) {
        clearTimeout(timer);
        s.destroy();
        resolve({ greeting, echo });
      }
    });
    s.once('connect', () => s.write(`${text}\n`));
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    s.once('end', () => {
      clearTimeout(timer);
      reject(new Error(`connection through 127.0.0.1:${port} ended after ${JSON.stringify(got)}`));
    });
  });
}

async function greetings(port: number, n: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push((await converse(port, `hello ${i}`)).greeting);
  return names;
}

const unavailable = haproxyUnavailable();

describe.skipIf(unavailable !== undefined)(`HAProxy in TCP mode${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let servers: NameServer[] = [];
  let lb: HaproxyServer;

  beforeAll(async () => {
    servers = await Promise.all([startNameServer('alpha'), startNameServer('beta')]);
    lb = await startHaproxy({ backends: servers.map((s) => `127.0.0.1:${s.port}`), checkIntervalMs: 200, fall: 2 });
    await lb.waitFor('b1', 'UP');
    await lb.waitFor('b2', 'UP');
  }, 600_000);

  afterAll(async () => {
    await lb?.stop();
    for (const s of servers) s.child.kill('SIGKILL');
  });

  it('forwards both ways and spreads connections over both backends', async () => {
    const { echo } = await converse(lb.port, 'ping through the balancer');
    expect(echo).toBe('ping through the balancer');
    const names = await greetings(lb.port, 6);
    expect(new Set(names)).toEqual(new Set(['alpha', 'beta']));
  });

  it('sends every new connection to the survivor when a backend is killed, and its health check marks it down', async () => {
    const [alpha, beta] = servers as [NameServer, NameServer];
    const exited = new Promise((resolve) => alpha.child.once('exit', resolve));
    alpha.child.kill('SIGKILL');
    await exited;
    // Before the health check has noticed: a refused connection is retried on the other backend.
    expect(await greetings(lb.port, 6)).toEqual(Array(6).fill('beta'));
    await lb.waitFor('b1', 'DOWN');
    expect((await lb.backendStatus()).get('b2')).toBe('UP');
    expect(await greetings(lb.port, 4)).toEqual(Array(4).fill('beta'));
    expect(beta.child.exitCode).toBeNull();
  });

  it('refuses a configuration without backends or with a malformed one, saying what to give', () => {
    const base = { port: 1, socket: '/tmp/x.sock', interval: 200, fall: 2, rise: 1, balance: 'roundrobin' };
    expect(() => haproxyConfig({ ...base, backends: [] })).toThrow(/at least one backend/);
    expect(() => haproxyConfig({ ...base, backends: ['127.0.0.1'] })).toThrow(/give HOST:PORT/);
    expect(() => haproxyConfig({ ...base, backends: ['127.0.0.1:99999'] })).toThrow(/give HOST:PORT/);
  });
});
