// The command lines as people type them, run as the built programs: a misspelled command or option
// gets a suggestion, every command has its own help, a value that would filter nothing is refused
// with what is allowed, file problems are sentences, defaults follow the repository checkout, and
// `farmwatch-agent status` reads the agent folder `enroll --dir` and `run --dir` use.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FARMWATCH_VERSION } from '@farmwatch/shared';
import { SqliteStore } from '../collector/src/index.js';
import { AGENT_CLI, COLLECTOR_CLI, ROOT, startCollector, type RunningCollector } from './helpers/processes.js';
import { register } from './helpers/enroll.js';
import { thisMachineSerial } from './helpers/field.js';
import { makePki, type Pki } from './helpers/pki.js';
import { spawnProc, waitFor, type Proc } from './helpers/field.js';

interface Ran { code: number | null; stdout: string; stderr: string }

/** Neither the machine's nor the developer's FARMWATCH_* settings leak into a run. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FARMWATCH_')));
  return { ...env, FARMWATCH_LOG_LEVEL: 'warn', ...extra };
}

function cli(program: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Ran {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [program, ...args], { cwd: opts.cwd ?? ROOT, env: cleanEnv(opts.env), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const collector = (args: string[], opts?: { cwd?: string; env?: NodeJS.ProcessEnv }): Ran => cli(COLLECTOR_CLI, args, opts);
const agent = (args: string[], opts?: { cwd?: string; env?: NodeJS.ProcessEnv }): Ran => cli(AGENT_CLI, args, opts);

/** No bare error code of the file system reaches a person. */
const NO_ERRNO = /\bE(NOENT|ISDIR|NOTDIR|ACCES|PERM|EXIST)\b/;

let work: string;
let db: string;
let laptop: { deviceId: string; hostname: string };
let alertId: number;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'farmwatch-cli-usage-'));
  db = join(work, 'collector.db');
  // IT registers a laptop and makes an analyst, with the real CLI.
  const { deviceId } = await register(db, { serial: 'USAGE-1', assignee: 'Ann Lee <ann.lee@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: 'lt-ann' });
  laptop = { deviceId, hostname: 'lt-ann' };
  expect(collector(['users', 'create', '--name', 'alice', '--role', 'analyst', '--db', db]).code).toBe(0);
  // The laptop has reported and raised an alert (written as ingest writes it).
  const store = new SqliteStore(db);
  const now = Date.now();
  store.db.prepare("INSERT INTO devices (id, machine_id, hostname, time_zone, first_seen_ms, last_seen_ms) VALUES (?, 'm-usage-1', ?, 'America/Chicago', ?, ?)")
    .run(deviceId, laptop.hostname, now, now);
  alertId = store.write((w) => w.raiseAlert({ deviceId, rule: 'kvm.usb_structure', key: 'pikvm', severity: 'high', title: 'PiKVM attached', atMs: now, newOccurrence: true })).id;
  store.close();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('commands and options', () => {
  it.each([
    [collector, ['alerts', 'list', '--sevrity', 'high'], "farmwatch-collector: unknown option '--sevrity' (Did you mean --severity?)", 'farmwatch-collector alerts list --help'],
    [collector, ['alrets', 'list'], "farmwatch-collector: unknown command 'alrets' (Did you mean alerts?)", 'farmwatch-collector --help'],
    [collector, ['alerts', 'lsit'], "farmwatch-collector: unknown command 'lsit' (Did you mean list?)", 'farmwatch-collector alerts --help'],
    [collector, ['devices', 'add', '--serail', 'S'], "farmwatch-collector: unknown option '--serail' (Did you mean --serial?)", 'farmwatch-collector devices add --help'],
    [agent, ['scna'], "farmwatch-agent: unknown command 'scna' (Did you mean scan?)", 'farmwatch-agent --help'],
    [agent, ['scan', '--jsn'], "farmwatch-agent: unknown option '--jsn' (Did you mean --json?)", 'farmwatch-agent scan --help'],
    [agent, ['status', '--stat-dir', '/tmp'], "farmwatch-agent: unknown option '--stat-dir' (Did you mean --state-dir?)", 'farmwatch-agent status --help'],
  ])('a misspelling gets a suggestion and exit status 2 (%#)', (program, args, suggestion, help) => {
    const r = program([...args, ...(program === collector ? ['--db', join(work, 'untouched.db')] : [])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(suggestion);
    expect(r.stderr).toContain(`Run \`${help}\``);
    expect(r.stderr).not.toMatch(/To specify a positional argument|ERR_PARSE_ARGS/);
    expect(existsSync(join(work, 'untouched.db'))).toBe(false);
  });

  it.each([
    [collector, ['alerts', 'list', '--help'], 'Usage: farmwatch-collector alerts list [options]', /--severity <level>\s+only alerts of this severity \(choices: "critical", "high", "medium", "low", "info"\)/],
    [collector, ['alerts', 'assign', '--help'], 'Usage: farmwatch-collector alerts assign [options] <id> [user]', /console user \(admin or analyst\)/],
    [collector, ['serve', '--help'], 'Usage: farmwatch-collector serve [options]', /--watch-input-languages <langs>/],
    [collector, ['help', 'devices'], 'Usage: farmwatch-collector devices [options] [command]', /import \[options\] <file>/],
    [collector, ['exclusions', '--help'], 'Usage: farmwatch-collector exclusions [options] [command]', /egress and VPN concentrators/],
    [agent, ['scan', '--help'], 'Usage: farmwatch-agent scan [options]', /Exit status: 0 nothing found, 1 something found, 2 error\./],
    [agent, ['status', '--help'], 'Usage: farmwatch-agent status [options]', /--dir <dir> .* --state-dir <dir> the same as --dir/],
    [agent, ['config', '--help'], 'Usage: farmwatch-agent config [options] [show]', /FARMWATCH_AGENT_<SETTING>/],
    [collector, ['devices', 'add', '--help'], 'Usage: farmwatch-collector devices add [options]', /--serial <serial> the laptop's hardware serial number \(required\)/],
  ])('help of one command (%#) comes from its declaration, exit status 0', (program, args, usage, body) => {
    const r = program(args);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(usage)).toBe(true);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(body);
  });

  it('prints the version both ways (the agent with the Node.js it runs on), and the commands on stderr with status 2 when none is given', () => {
    for (const [program, version] of [[collector, FARMWATCH_VERSION], [agent, `${FARMWATCH_VERSION} (Node.js ${process.versions.node})`]] as const) {
      expect(program(['version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
      expect(program(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
      const none = program([]);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/^Usage: farmwatch-(collector|agent) <command> \[options\]/);
      expect(none.stderr).toContain('version ');
    }
  });

  it('names every option a command needs that is missing', () => {
    const r = collector(['devices', 'add', '--serial', 'S-9', '--db', join(work, 'untouched.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('farmwatch-collector: devices add needs --assignee, --ship-to, --timezone: see `farmwatch-collector devices add --help`\n');
    expect(existsSync(join(work, 'untouched.db'))).toBe(false);
  });

  it('takes an id where an id is wanted', () => {
    const r = collector(['alerts', 'ack', 'seven', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("command-argument value 'seven' is invalid for argument 'id'. Give the alert's number from `farmwatch-collector alerts list`.");
    const extra = collector(['alerts', 'show', String(alertId), 'extra', '--db', db]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain("too many arguments for 'show'");
  });
});

describe('values that would filter nothing are refused, naming what is allowed', () => {
  it('lists the alert by severity, device id or hostname, and rule', () => {
    for (const filter of [['--severity', 'high'], ['--device', laptop.deviceId], ['--device', laptop.hostname], ['--device', 'USAGE-1'], ['--rule', 'kvm.usb_structure'], ['--status', 'active']]) {
      const r = collector(['alerts', 'list', ...filter, '--json', '--db', db]);
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { id: number }[]).map((a) => a.id), filter.join(' ')).toEqual([alertId]);
    }
    expect(collector(['alerts', 'list', '--severity', 'low', '--db', db]).stdout).toBe('No alerts.\n');
  });

  it.each([
    [['alerts', 'list', '--severity', 'hgh'], "option '--severity <level>' argument 'hgh' is invalid. Allowed choices are critical, high, medium, low, info."],
    [['alerts', 'list', '--status', 'closed'], 'Allowed choices are open, acknowledged, resolved, false_positive, active.'],
    [['alerts', 'list', '--scope', 'fleet'], 'Allowed choices are device, cluster.'],
    [['alerts', 'list', '--sort', 'newest'], 'Allowed choices are severity, recent, score, age.'],
    [['alerts', 'list', '--limit', '0'], "option '--limit <n>' argument '0' is invalid. Give a whole number above 0."],
    [['alerts', 'list', '--device', 'nosuch'], 'no device has the id, serial or hostname "nosuch": see `farmwatch-collector devices list`'],
    [['alerts', 'list', '--rule', 'kvm.usb_structur'], 'no alert or finding in this database has the rule "kvm.usb_structur": use one of device.risk, fleet.colocation, kvm.usb_structure'],
    [['alerts', 'assign', 'ALERT', 'nosuchperson'], '"nosuchperson" is not a console user who can take alerts: assign to one of alice (`farmwatch-collector users list` shows them'],
    [['alerts', 'show', '999'], 'there is no alert 999: `farmwatch-collector alerts list` shows them'],
    [['alerts', 'resolve', '999'], 'there is no alert 999: `farmwatch-collector alerts list` shows them'],
    [['alerts', 'suppress', '--rule', 'kvm.usb', '--for', '7d', '--reason', 'lab'], 'has the rule "kvm.usb": use one of device.risk, fleet.colocation, kvm.usb_structure, or "*" for every rule'],
    [['alerts', 'suppress', '--rule', '*', '--device', 'nosuch', '--for', '7d', '--reason', 'lab'], 'no device has the id, serial or hostname "nosuch"'],
    [['exclusions', 'add', 'netwrk', '10.0.0.0/8', '--reason', 'vpn'], "argument 'kind'. Allowed choices are network, gateway_mac,"],
    [['exclusions', 'remove', '42'], 'there is no exclusion 42: `farmwatch-collector exclusions list` shows them'],
    [['api-tokens', 'create', '--name', 'x', '--role', 'root'], 'Allowed choices are admin, analyst, it.'],
    [['api-tokens', 'revoke', '42'], 'there is no live API token 42'],
    [['users', 'disable', 'nobody'], 'there is no user "nobody": `farmwatch-collector users list` shows them'],
    [['tokens', 'create', 'nosuch'], 'no device has the id, serial or hostname "nosuch"'],
    [['clusters', 'show', 'nosuch'], 'no device has the id, serial or hostname "nosuch"'],
    [['clusters', 'show', 'lt-ann'], 'is in no cluster: it shares nothing with another laptop'],
  ])('%j is an error', (args, message) => {
    const r = collector([...args.map((a) => (a === 'ALERT' ? String(alertId) : a)), '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('assigns to a console user, and to nobody', () => {
    expect(collector(['alerts', 'assign', String(alertId), 'alice', '--db', db])).toMatchObject({ code: 0, stdout: `Alert ${alertId} is assigned to alice.\n` });
    const assigned = (): string => (JSON.parse(collector(['alerts', 'list', '--json', '--db', db]).stdout) as { assignee: string }[])[0]?.assignee ?? '?';
    expect(assigned()).toBe('alice');
    expect(collector(['alerts', 'assign', String(alertId), 'nosuchperson', '--db', db]).code).toBe(2);
    expect(assigned()).toBe('alice');
    expect(collector(['alerts', 'assign', String(alertId), '--db', db]).code).toBe(0);
    expect(assigned()).toBe('');
  });
});

describe('file problems are sentences', () => {
  it.each([
    [collector, ['alerts', 'list', '--db', '/no/such/dir/x.db'], 'there is no database at /no/such/dir/x.db: point to the collector\'s database with --db FILE or $FARMWATCH_DB, or start the collector first'],
    [collector, ['devices', 'list', '--db', 'WORK'], 'the database WORK is a folder, not a file'],
    [collector, ['devices', 'add', '--serial', 'S', '--assignee', 'A <a@example.com>', '--ship-to', 'Austin, Texas, US', '--timezone', 'UTC', '--db', 'WORK/plain/x.db'], 'the database WORK/plain/x.db cannot be created: WORK/plain is a file, not a folder'],
    [collector, ['devices', 'import', 'WORK/missing.csv', '--db', 'WORK/import.db'], 'the CSV file WORK/missing.csv does not exist'],
    [collector, ['users', 'create', '--name', 'bob', '--role', 'it', '--password-file', 'WORK/nope.txt', '--db', 'WORK/users.db'], 'the password file WORK/nope.txt does not exist'],
    [collector, ['serve', '--listen', '127.0.0.1:0', '--http', 'off', '--tls-dir', 'WORK/certs', '--db', 'WORK/serve.db'], 'the TLS file WORK/certs/ca.pem cannot be found: the folder WORK/certs does not exist: run `npm run certs`'],
    [agent, ['scan', '--policy', 'WORK/missing.json'], 'the policy file WORK/missing.json does not exist: pass an existing file with --policy'],
    [agent, ['status', '--config', 'WORK/missing.json'], 'the configuration file WORK/missing.json does not exist: pass an existing file with --config'],
    [agent, ['enroll', '--server', '127.0.0.1:1', '--ca', 'WORK', '--token', 'fwe_x'], 'the collector CA WORK is a folder, not a file: pass the ca.pem IT gave you with --ca'],
    [agent, ['pcap', 'WORK/none.pcap'], 'the capture file WORK/none.pcap does not exist'],
  ])('%#: says what is wrong with which file, exit status 2', (program, args, message) => {
    writeFileSync(join(work, 'plain'), 'not a folder');
    const r = program(args.map((a) => a.replace('WORK', work)));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message.replaceAll('WORK', work));
    expect(r.stderr).not.toMatch(NO_ERRNO);
    for (const made of ['import.db', 'users.db', 'serve.db']) expect(existsSync(join(work, made)), made).toBe(false);
  });

  it('names each file inspect could not read, and why', () => {
    const r = agent(['inspect', `${work}/`, join(work, 'missing.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`farmwatch-agent inspect: ${work}/: it is a folder, not a file`);
    expect(r.stderr).toContain(`farmwatch-agent inspect: ${join(work, 'missing.txt')}: it does not exist`);
    expect(r.stdout).toContain(`${join(work, 'missing.txt')}: NOT READ: it does not exist`);
    expect(r.stderr + r.stdout).not.toMatch(NO_ERRNO);
  });
});

describe('defaults from a repository checkout', () => {
  it('finds the database in the checkout\'s var/ from any folder of it, never in the current folder', () => {
    const sub = join(ROOT, 'collector', 'src');
    const help = collector(['serve', '--help'], { cwd: sub });
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(`(default: "${join(ROOT, 'var', 'collector.db')}")`);
    // $FARMWATCH_HOME moves the state folder (a temporary one here: the real var/ is left alone).
    const home = join(work, 'home');
    mkdirSync(home);
    const missing = collector(['alerts', 'list'], { cwd: sub, env: { FARMWATCH_HOME: home } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`there is no database at ${join(home, 'collector.db')} (the repository's, in $FARMWATCH_HOME): point to the collector's database with --db FILE or $FARMWATCH_DB, or start the collector first (\`npm start\``);
    expect(existsSync(join(home, 'collector.db'))).toBe(false);
    expect(existsSync(join(sub, 'var'))).toBe(false);
    // The database npm start keeps there is the one read, from a subfolder.
    expect(collector(['users', 'create', '--name', 'carol', '--role', 'admin'], { cwd: sub, env: { FARMWATCH_HOME: home } }).code).toBe(0);
    expect(existsSync(join(home, 'collector.db'))).toBe(true);
    const users = collector(['users', 'list', '--json'], { cwd: join(ROOT, 'agent'), env: { FARMWATCH_HOME: home } });
    expect((JSON.parse(users.stdout) as { name: string }[]).map((u) => u.name)).toEqual(['carol']);
    // $FARMWATCH_DB names the file itself.
    const byEnv = collector(['alerts', 'list', '--json'], { cwd: sub, env: { FARMWATCH_HOME: home, FARMWATCH_DB: db } });
    expect((JSON.parse(byEnv.stdout) as { id: number }[]).map((a) => a.id)).toEqual([alertId]);
  });
});

describe.runIf(process.platform === 'linux')('farmwatch-agent status beside a collector', () => {
  let pki: Pki;
  let running: RunningCollector;
  let collectorDb: string;
  let agentDir: string;
  let deviceId: string;
  let token: string;
  let apiToken: string;
  let agentRun: Proc | undefined;

  beforeAll(async () => {
    pki = makePki();
    collectorDb = join(work, 'live.db');
    running = await startCollector(collectorDb, pki.dir);
    agentDir = join(work, 'agent-dir');
    ({ deviceId, token } = await register(collectorDb, { serial: thisMachineSerial(), assignee: 'Bo Chen <bo.chen@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: 'lt-bo' }));
    apiToken = (JSON.parse(collector(['api-tokens', 'create', '--name', 'usage', '--role', 'admin', '--json', '--db', collectorDb]).stdout) as { token: string }).token;
  });
  afterAll(async () => {
    agentRun?.child.kill('SIGKILL');
    await running.stop();
    rmSync(pki.dir, { recursive: true, force: true });
  });

  it('says enrolled for the folder enroll --dir filled, by --dir and by --state-dir', () => {
    const enrolled = agent(['enroll', '--server', running.address, '--ca', join(pki.dir, 'ca.pem'), '--token', token, '--dir', agentDir]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    for (const flag of ['--dir', '--state-dir']) {
      const r = agent(['status', flag, agentDir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`state in ${agentDir}\n`);
      expect(r.stdout).toMatch(new RegExp(`enrolled +yes, as ${deviceId}; certificate valid until`));
      expect(r.stdout).toMatch(/running +no/);
    }
  });

  it('says enrolled and streaming while `run --dir` runs, exit status 0', async () => {
    agentRun = spawnProc(process.execPath, [AGENT_CLI, 'run', '--dir', agentDir, '--server', running.address, '--no-network-probes', '--heartbeat', '5'], { FARMWATCH_LOG_LEVEL: 'warn' });
    let last: Ran = { code: null, stdout: '', stderr: '' };
    await waitFor(() => {
      last = agent(['status', '--dir', agentDir]);
      return last.code === 0;
    }, 45_000, () => `status never said connected:\n${last.stdout}${last.stderr}\n${agentRun?.output() ?? ''}`);
    expect(last.stdout).toMatch(/connection +streaming/);
    expect(last.stdout).toMatch(new RegExp(`enrolled +yes, as ${deviceId}`));
    const json = JSON.parse(agent(['status', '--state-dir', agentDir, '--json']).stdout) as { enrolled: boolean; running: boolean; device: { id: string } };
    expect(json).toMatchObject({ enrolled: true, running: true, device: { id: deviceId } });
    agentRun.child.kill('SIGTERM');
    expect(await agentRun.exited).toBe(0);
  }, 60_000);

  it.skipIf(existsSync('/var/lib/farmwatch/identity/agent.pem') || existsSync('/var/lib/farmwatch/status.json') || existsSync('/etc/farmwatch/agent.json'))(
    'with no flags, from a checkout, reads the agent npm start runs when the system folder holds none', () => {
      const home = join(work, 'start-home');
      mkdirSync(home);
      // The agent enrolled above, kept where `npm start` keeps its agent ($FARMWATCH_HOME/agent).
      cpSync(agentDir, join(home, 'agent'), { recursive: true });
      const r = agent(['status'], { cwd: join(ROOT, 'agent'), env: { FARMWATCH_HOME: home } });
      expect(r.stdout).toContain(`state in ${join(home, 'agent')} (the repository's agent, as \`npm start\` runs it: /var/lib/farmwatch holds none; --dir DIR reads another)`);
      expect(r.stdout).toMatch(new RegExp(`enrolled +yes, as ${deviceId}`));
      // Without an agent there, the system folder is the one reported.
      const empty = agent(['status'], { env: { FARMWATCH_HOME: join(work, 'no-home') } });
      expect(empty.stdout).toContain('state in /var/lib/farmwatch\n');
    });

  it('the HTTP API refuses what the CLI refuses: an unknown severity and an assignee who is not a console user', async () => {
    const headers = { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' };
    const severity = await fetch(`${running.api}/v1/alerts?severity=hgh`, { headers });
    expect(severity.status).toBe(400);
    expect(((await severity.json()) as { error: { message: string } }).error.message).toMatch(/severity.*critical, high, medium, low, info|must be equal to one of the allowed values/);
    // An alert to assign, raised by the collector from a report: written the way ingest writes it.
    const store = new SqliteStore(collectorDb);
    const id = store.write((w) => w.raiseAlert({ deviceId, rule: 'remote_access.process', key: 'tmate', severity: 'high', title: 'tmate is running', atMs: Date.now(), newOccurrence: true })).id;
    store.close();
    expect(collector(['users', 'create', '--name', 'dana', '--role', 'analyst', '--db', collectorDb]).code).toBe(0);
    const refused = await fetch(`${running.api}/v1/alerts/${id}/assign`, { method: 'POST', headers, body: JSON.stringify({ assignee: 'nosuchperson' }) });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('"nosuchperson" is not a console user who can take alerts: assign to one of dana');
    const ok = await fetch(`${running.api}/v1/alerts/${id}/assign`, { method: 'POST', headers, body: JSON.stringify({ assignee: 'dana' }) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { assignee: string }).assignee).toBe('dana');
  });
});
