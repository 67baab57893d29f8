// Probe: the agent followed symbolic links in its state folder and accepted a folder mode 0777:
// links planted as status.json.tmp and run.json had the (root) agent overwrite the files they
// pointed to. Now every file there is written through a new temporary file opened with
// O_CREAT|O_EXCL|O_NOFOLLOW and renamed into place, and read with O_NOFOLLOW: a planted link is
// removed or replaced, never followed, and the agent says so; and a state folder, or a folder in it,
// that others may write to or that another user owns is refused before anything is read or
// written, with the command that fixes it. `enroll` refuses such a folder before spending its token.
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeCollector } from '../helpers/probe-collector.js';
import { register } from '../helpers/enroll.js';
import { AGENT_CLI, COLLECTOR_CLI, run } from '../helpers/processes.js';
import { spawnProc, thisMachineSerial, waitFor } from '../helpers/field.js';

const p = probeCollector('sec-state');
const work = mkdtempSync(join(tmpdir(), 'farmwatch-sec-state-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const me = userInfo().username;

/** A file outside the state folder that a link points to; it must never change. */
function victim(name: string): { path: string; unchanged: () => boolean } {
  const path = join(work, 'outside', name);
  mkdirSync(join(work, 'outside'), { recursive: true });
  writeFileSync(path, `${name}: not the agent's\n`);
  const before = statSync(path);
  return { path, unchanged: () => readFileSync(path, 'utf8') === `${name}: not the agent's\n` && statSync(path).mtimeMs === before.mtimeMs && statSync(path).ino === before.ino };
}

const isLink = (path: string): boolean => {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
};

describe('links planted in the state folder', () => {
  it('status.json.tmp, run.json and the spool\'s state.json.tmp are not followed; the agent says so and keeps running', async () => {
    const state = join(work, 'agent');
    const { token } = await register(p.db, { serial: thisMachineSerial(), assignee: 'Pat Doe <pat@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: 'lt-state' });
    const enrolled = await run(AGENT_CLI, ['enroll', '--server', p.collector.address, '--ca', join(p.pki.dir, 'ca.pem'), '--token', token, '--dir', state]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    mkdirSync(join(state, 'spool'), { mode: 0o700 });
    const planted = {
      status: { link: join(state, 'status.json.tmp'), target: victim('status-target') },
      run: { link: join(state, 'run.json'), target: victim('run-target') },
      spool: { link: join(state, 'spool', 'state.json.tmp'), target: victim('spool-target') },
    };
    for (const l of Object.values(planted)) symlinkSync(l.target.path, l.link);

    const agent = spawnProc(process.execPath, [AGENT_CLI, 'run', '--dir', state, '--server', p.collector.address, '--no-network-probes', '--heartbeat', '1']);
    try {
      // Running: it wrote its status and its marker, and the collector acknowledged what it sent.
      await waitFor(() => {
        try {
          return (JSON.parse(readFileSync(join(state, 'status.json'), 'utf8')) as { lastAckedSequence: number }).lastAckedSequence > 0 &&
            lstatSync(join(state, 'spool', 'state.json')).isFile();
        } catch {
          return false;
        }
      }, 45_000, () => agent.output());
      expect(lstatSync(join(state, 'run.json')).isFile()).toBe(true);
      expect(JSON.parse(readFileSync(join(state, 'run.json'), 'utf8'))).toMatchObject({ pid: agent.child.pid });
      for (const l of Object.values(planted)) {
        expect(isLink(l.link)).toBe(false);
        expect(l.target.unchanged()).toBe(true);
      }
      const out = agent.output();
      expect(out).toContain(`${planted.run.link} is a symbolic link to ${planted.run.target.path}, which the agent did not make: not followed (the file it points to is untouched), and replaced by the agent's own file; check who can write to ${state}`);
      expect(out).toContain(`${planted.status.link} is a symbolic link to ${planted.status.target.path}, which the agent did not make: not followed (the file it points to is untouched), and removed`);
      expect(out).toContain(`${planted.spool.link} is a symbolic link to ${planted.spool.target.path}, which the agent did not make: not followed`);
    } finally {
      agent.child.kill('SIGTERM');
      expect(await agent.exited).toBe(0);
    }
    for (const l of Object.values(planted)) expect(l.target.unchanged()).toBe(true);
  }, 90_000);
});

describe('a state folder others may write to', () => {
  const runIn = (dir: string): ReturnType<typeof run> => run(AGENT_CLI, ['run', '--state-dir', dir, '--server', p.collector.address, '--no-network-probes']);

  it('mode 0777 is refused with `chmod 700`, and nothing is written in it', async () => {
    const dir = join(work, 'open');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const r = await runIn(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the agent's state folder ${dir} may be written by its group and by everyone (mode 777), so anyone there could plant links the agent would write through: run \`chmod 700 ${dir}\``);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a spool folder its group may write to is refused the same way', async () => {
    const dir = join(work, 'group-spool');
    mkdirSync(join(dir, 'spool'), { recursive: true, mode: 0o700 });
    chmodSync(join(dir, 'spool'), 0o770);
    const r = await runIn(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the folder ${join(dir, 'spool')} may be written by its group (mode 770)`);
    expect(r.stderr).toContain(`run \`chmod 700 ${join(dir, 'spool')}\``);
  });

  it.runIf(process.getuid?.() === 0)('a folder another user owns is refused with `chown`', async () => {
    const dir = join(work, 'someone-elses');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 4321, 4321);
    const r = await runIn(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the agent's state folder ${dir} belongs to uid 4321, not to ${me} (uid 0) who runs the agent`);
    expect(r.stderr).toContain(`run \`chown -R ${me} ${dir}\` and \`chmod 700 ${dir}\``);
  });

  it('enroll refuses such a folder before it spends the token', async () => {
    const dir = join(work, 'open-identity');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const { token } = await register(p.db, { serial: 'SEC-STATE-2', assignee: 'Pat Doe <pat@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: 'lt-state-2' });
    const r = await run(AGENT_CLI, ['enroll', '--server', p.collector.address, '--ca', join(p.pki.dir, 'ca.pem'), '--token', token, '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the agent's identity folder ${dir} may be written by its group and by everyone (mode 777)`);
    expect(readdirSync(dir)).toEqual([]);
    // The token was not spent: the collector still lists it as valid.
    const tokens = await run(COLLECTOR_CLI, ['tokens', 'list', '--json', '--db', p.db]);
    expect((JSON.parse(tokens.stdout) as { serial: string; state: string }[]).filter((t) => t.serial === 'SEC-STATE-2').map((t) => t.state)).toEqual(['valid']);
  });
});
