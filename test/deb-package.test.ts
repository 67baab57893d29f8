// The Debian package on this machine, as an admin deploys it: dpkg installs it with a collector
// address, the collector's CA and a one-time token in /etc/farmwatch; postinst enrolls; the
// service's own ExecStart line runs the agent (this machine has no systemd running, so the test
// starts it the way the unit says); it reports, captures packets (node-pcap shipped beside the
// binary), and when the package is removed the collector records "stopped: uninstall".
// Root only; skipped when a farmwatch-agent package is installed for real.
import { execFileSync, spawnSync } from 'node:child_process';
import { connect as tlsConnect, createServer as tlsServer } from 'node:tls';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/processes.js';
import { makePki } from './helpers/pki.js';
import { register } from './helpers/enroll.js';
import { collectorOn, freePort, query, spawnProc, thisMachineSerial, waitFor, type Proc } from './helpers/field.js';

const dpkgInstalled = (pkg: string): boolean => spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout.includes('install ok installed');
const usable = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v dpkg-deb'], { stdio: 'ignore' }).status === 0
  && !dpkgInstalled('farmwatch-agent') && !existsSync('/etc/farmwatch');

describe.runIf(usable)('the farmwatch-agent .deb', () => {
  const running: Proc[] = [];
  const work = mkdtempSync(join(tmpdir(), 'farmwatch-deb-'));
  afterAll(async () => {
    for (const p of running) {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    spawnSync('dpkg', ['--purge', 'farmwatch-agent'], { stdio: 'ignore' });
    rmSync('/etc/farmwatch', { recursive: true, force: true });
    rmSync('/var/lib/farmwatch', { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('installs, enrolls from the token file, runs as the unit says, reports, and reports its uninstall', async () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'package-deb.mjs'), '--out', work], { stdio: 'ignore' });
    const deb = join(work, readdirSync(work).find((f) => f.endsWith('.deb')) as string);
    const pki = makePki();
    const db = join(work, 'collector.db');
    const port = await freePort();
    running.push(await collectorOn(port, db, pki.dir));
    const { deviceId, token } = await register(db, { serial: thisMachineSerial(), assignee: 'Deb Ian <deb@example.com>', shipTo: 'Seattle, Washington, US', timeZone: 'America/Los_Angeles', hostname: 'deb' });

    // What the admin's configuration management puts in place before the package.
    mkdirSync('/etc/farmwatch', { recursive: true, mode: 0o700 });
    copyFileSync(join(pki.dir, 'ca.pem'), '/etc/farmwatch/ca.pem');
    writeFileSync('/etc/farmwatch/agent.json', JSON.stringify({
      server: `127.0.0.1:${port}`, ca_file: '/etc/farmwatch/ca.pem', heartbeat_interval_s: 1,
      packet_capture: true, packet_capture_interface: 'lo',
    }));
    writeFileSync('/etc/farmwatch/enroll.token', token, { mode: 0o600 });

    const install = spawnSync('dpkg', ['--force-confold', '-i', deb], { encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    expect(existsSync('/etc/farmwatch/enroll.token')).toBe(false);
    expect(existsSync('/var/lib/farmwatch/identity/agent.pem')).toBe(true);
    expect(readFileSync('/var/lib/farmwatch/identity/enrollment.json', 'utf8')).toContain(deviceId);

    const unit = readFileSync('/lib/systemd/system/farmwatch-agent.service', 'utf8');
    const verify = spawnSync('systemd-analyze', ['verify', '/lib/systemd/system/farmwatch-agent.service'], { encoding: 'utf8' });
    expect(verify.stderr).not.toMatch(/farmwatch-agent.service:.*(error|not executable|unknown)/i);
    const execStart = /^ExecStart=(.+)$/m.exec(unit)?.[1]?.trim().split(/\s+/) ?? [];
    const env: NodeJS.ProcessEnv = Object.fromEntries([...unit.matchAll(/^Environment=(\w+)=(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
    const agent = spawnProc(execStart[0] as string, execStart.slice(1), env);
    running.push(agent);
    await waitFor(() => query(db, 'SELECT 1 FROM events WHERE device_id = ?', deviceId).length > 3, 60_000, () => agent.output());

    // A TLS session on loopback to a catalog relay name: the agent sees it on the wire.
    const server = tlsServer({ key: readFileSync(join(pki.dir, 'server-key.pem')), cert: readFileSync(join(pki.dir, 'server.pem')) }, (s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const tlsPort = (server.address() as { port: number }).port;
    await waitFor(() => /"sensor":"packets"/.test(agent.output()) || query(db, "SELECT 1 FROM sensor_states WHERE device_id = ? AND sensor = 'packets' AND status = 'ok'", deviceId).length > 0, 90_000, () => agent.output());
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve) => {
        const c = tlsConnect({ host: '127.0.0.1', port: tlsPort, servername: 'relay-0a1b2c3d.net.anydesk.com', rejectUnauthorized: false }, () => c.end());
        c.on('close', () => resolve());
        c.on('error', () => resolve());
      });
    }
    server.close();
    await waitFor(() => query(db, "SELECT 1 FROM findings WHERE device_id = ? AND detector = 'network.flow'", deviceId).length > 0, 120_000,
      () => `${agent.output().slice(-3000)}\n${JSON.stringify(query(db, 'SELECT sensor, status, reason FROM sensor_states WHERE device_id = ?', deviceId))}`);

    // Removal: prerm leaves the reason, then the service manager stops the agent.
    const remove = spawnSync('dpkg', ['-r', 'farmwatch-agent'], { encoding: 'utf8' });
    expect(remove.status, remove.stderr).toBe(0);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(query<{ stop_reason: string }>(db, 'SELECT stop_reason FROM devices WHERE id = ?', deviceId)).toEqual([{ stop_reason: 'uninstall' }]);
    rmSync(pki.dir, { recursive: true, force: true });
  }, 300_000);
});
