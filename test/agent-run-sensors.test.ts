// The running agent schedules every sensor its detectors read, the ones `scan` also runs included:
// the built agent (`agent/dist/cli.js run`) on a machine laid out as a folder, whose hosts file
// pins AnyDesk's relay and whose RustDesk is set to a self-hosted server, reports both findings
// to a real collector, and the mDNS sensor's state (a recorded tree cannot answer mDNS: it says
// so) arrives with the others. Before the sensors were declared once, `run` had neither sensor.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { makePki } from './helpers/pki.js';
import { collectorOn, fieldWork, freePort, query, spawnProc, waitFor, writeFiles } from './helpers/field.js';
import { AGENT_CLI, run } from './helpers/processes.js';
import { register } from './helpers/enroll.js';

const { work, running } = fieldWork('farmwatch-run-sensors-');

function machineTree(root: string): void {
  writeFiles(join(root, 'etc'), {
    'machine-id': `${randomBytes(16).toString('hex')}\n`, 'os-release': 'NAME="Debian GNU/Linux"\nVERSION_ID="12"\n',
    hosts: '127.0.0.1 localhost\n203.0.113.7 relay-58a1b2c3.net.anydesk.com\n',
  });
  writeFiles(join(root, 'proc', 'sys', 'kernel', 'random'), { boot_id: '0b5f7a3e-8d1c-4f6e-9a2b-3c4d5e6f7a8b\n' });
  writeFiles(join(root, 'home', 'worker', '.config', 'rustdesk'), { 'RustDesk2.toml': "[options]\ncustom-rendezvous-server = 'hbbs.example.net'\nrelay-server = 'hbbr.example.net'\n" });
}

/** The serial IT registers for this tree: no firmware serial, so `machine-` and the machine id hash. */
function serialOf(root: string): string {
  const r = spawnSync(process.execPath, [AGENT_CLI, 'scan', '--json', '--no-network-probes', '--root', root], { encoding: 'utf8' });
  const host = (JSON.parse(r.stdout || '{}') as { host?: { machineIdHash?: string } }).host;
  if (!host?.machineIdHash) throw new Error(`the agent's scan named no machine id:\n${r.stderr}`);
  return `machine-${host.machineIdHash.slice(0, 16)}`;
}

describe.runIf(process.platform === 'linux')('the running agent', () => {
  it('reports hosts-file and custom-relay findings and the mDNS sensor\'s state', async () => {
    const root = join(work, 'machine');
    machineTree(root);
    const pki = makePki();
    const db = join(work, 'collector.db');
    const port = await freePort();
    running.push(await collectorOn(port, db, pki.dir));
    const { deviceId, token } = await register(db, {
      serial: serialOf(root), assignee: 'Run Sensors <run@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: 'run-sensors',
    });
    const dir = join(work, 'agent');
    const enrolled = await run(AGENT_CLI, ['enroll', '--server', `127.0.0.1:${port}`, '--ca', join(pki.dir, 'ca.pem'), '--token', token, '--dir', dir, '--root', root]);
    expect(enrolled.code, enrolled.stderr).toBe(0);

    const agent = spawnProc(process.execPath, [AGENT_CLI, 'run', '--dir', dir, '--server', `127.0.0.1:${port}`, '--root', root, '--no-network-probes', '--heartbeat', '1']);
    running.push(agent);
    const findings = (): string[] => query<{ detector: string }>(db, 'SELECT detector FROM findings WHERE device_id = ? ORDER BY detector', deviceId).map((f) => f.detector);
    await waitFor(() => findings().includes('remote_access.custom_relay') && findings().includes('remote_access.hosts_file'), 60_000, () => `findings ${JSON.stringify(findings())}\n${agent.output()}`);
    const hostsFile = query<{ category: string; severity: string; catalog_entry: string }>(db, "SELECT * FROM findings WHERE device_id = ? AND detector = 'remote_access.hosts_file'", deviceId);
    expect(hostsFile).toMatchObject([{ severity: 'medium' }]);

    const states = (): { sensor: string; status: string; reason: string; items: number }[] => query(db, 'SELECT sensor, status, reason, items FROM sensor_states WHERE device_id = ? ORDER BY sensor', deviceId);
    await waitFor(() => states().some((s) => s.sensor === 'mdns_kvm'), 30_000, () => `sensor states ${JSON.stringify(states())}\n${agent.output()}`);
    const byName = new Map(states().map((s) => [s.sensor, s]));
    // Two hosts lines (localhost, the pinned relay) and two RustDesk settings.
    expect(byName.get('name_config')).toMatchObject({ status: 'ok', items: 4 });
    expect(byName.get('mdns_kvm')).toMatchObject({ status: 'unavailable' });
    expect(byName.get('mdns_kvm')?.reason).toMatch(/recorded tree/);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    rmSync(pki.dir, { recursive: true, force: true });
  }, 120_000);
});
