// The agent's configuration: sources in their order, and errors that name the source, the key and
// the fix.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, SETTINGS_SCHEMA, defaults, fromPlistJson, loadConfig, parseRegQuery, settingsHelp } from '../src/config/index.js';

const dirs: string[] = [];
const file = (text: string): string => {
  const d = mkdtempSync(join(tmpdir(), 'farmwatch-config-'));
  dirs.push(d);
  writeFileSync(join(d, 'agent.json'), text);
  return join(d, 'agent.json');
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const none = () => ({ name: 'managed settings', values: {}, problems: [] });
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('agent configuration', () => {
  it('uses defaults when nothing is set', () => {
    const { config, origins } = loadConfig({ configFile: file('{}'), env: {}, managed: none });
    expect(config.heartbeat_interval_s).toBe(60);
    expect(config.spool_max_mb).toBe(50);
    expect(config.cert_file).toBe(join(config.state_dir, 'identity', 'agent.pem'));
    expect(origins).toEqual({});
  });

  it('takes file < managed < environment < flags, and says where each value came from', () => {
    const path = file(JSON.stringify({ server: 'file.example:7443', heartbeat_interval_s: 30, spool_max_mb: 10, sanctioned_tools: ['teamviewer'] }));
    const managed = () => ({ name: 'MDM', values: { heartbeat_interval_s: 120, spool_max_mb: 20 }, problems: [] });
    const { config, origins } = loadConfig({
      configFile: path, managed,
      env: { FARMWATCH_AGENT_SPOOL_MAX_MB: '30', FARMWATCH_AGENT_SENSOR_INTERVALS: 'processes=45,usb_devices=20', FARMWATCH_LOG_FORMAT: 'json' },
      flags: { server: 'flag.example:9000' },
    });
    expect(config).toMatchObject({
      server: 'flag.example:9000', heartbeat_interval_s: 120, spool_max_mb: 30, sanctioned_tools: ['teamviewer'],
      sensor_intervals: { processes: 45, usb_devices: 20 },
    });
    expect(origins).toMatchObject({ server: 'command line', heartbeat_interval_s: 'MDM', spool_max_mb: 'environment', sanctioned_tools: path });
  });

  it('puts the identity files under a configured state folder', () => {
    const { config } = loadConfig({ configFile: file('{"state_dir": "/srv/fw"}'), env: {}, managed: none });
    expect(config.key_file).toBe('/srv/fw/identity/agent-key.pem');
  });

  it('names a bad value with its key, what it must be, and where it was', () => {
    const path = file('{"heartbeat_interval_s": "fast", "spool_max_mb": 0, "server": "collector"}');
    const problems = problemsOf(() => loadConfig({ configFile: path, env: {}, managed: none }));
    expect(problems).toEqual([
      `${path}: heartbeat_interval_s must be a whole number of seconds from 1 to 3600, not "fast" (heartbeat_interval_s: time between heartbeats)`,
      `${path}: spool_max_mb must be a whole number of MB from 1 to 4096, not 0 (spool_max_mb: bound on events waiting for the collector; above it the oldest low-priority ones go)`,
      `${path}: server must be HOST:PORT, e.g. collector.example.com:7443, not "collector" (server: the collector)`,
    ]);
  });

  it('catches a misspelt key and suggests the right one', () => {
    const problems = problemsOf(() => loadConfig({ configFile: file('{"hearbeat_interval_s": 30}'), env: {}, managed: none }));
    expect(problems).toEqual([expect.stringContaining('"hearbeat_interval_s" is not a setting. Did you mean "heartbeat_interval_s"?')]);
  });

  it('points at the line of broken JSON', () => {
    const path = file('{\n  "server": "a:1",\n  "spool_max_mb": 10,,\n}');
    const [problem] = problemsOf(() => loadConfig({ configFile: path, env: {}, managed: none }));
    expect(problem).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: is not valid JSON at line 3 column \\d+`));
  });

  it('reports every problem of every source at once', () => {
    const problems = problemsOf(() => loadConfig({
      configFile: file('{"log_level": "loud"}'), managed: none,
      env: { FARMWATCH_AGENT_PACKET_CAPTURE: 'maybe' }, flags: { spool_max_mb: '99999' },
    }));
    expect(problems.map((p) => p.split(':')[0])).toEqual([expect.stringContaining('agent.json'), 'FARMWATCH_AGENT_PACKET_CAPTURE', '--spool-max-mb']);
  });

  it('requires a file that was named explicitly, but not the default one', () => {
    expect(problemsOf(() => loadConfig({ configFile: '/nonexistent/agent.json', env: {}, managed: none })))
      .toEqual(['the configuration file /nonexistent/agent.json cannot be found: the folder /nonexistent does not exist: pass an existing file with --config']);
  });

  it('reads the text forms of environment variables and flags: numbers, yes/no, lists and name=value maps', () => {
    const { config } = loadConfig({
      configFile: file('{}'), managed: none,
      env: { FARMWATCH_AGENT_PACKET_CAPTURE: 'yes', FARMWATCH_AGENT_DISABLED_SENSORS: 'wifi, usb_devices,', FARMWATCH_AGENT_HEARTBEAT_INTERVAL_S: ' 45 ' },
      flags: { sensor_intervals: 'processes=30' },
    });
    expect(config).toMatchObject({ packet_capture: true, disabled_sensors: ['wifi', 'usb_devices'], heartbeat_interval_s: 45, sensor_intervals: { processes: 30 } });
    const problems = problemsOf(() => loadConfig({ configFile: file('{"sensor_intervals": {"processes": 0}}'), managed: none, env: { FARMWATCH_AGENT_SENSOR_INTERVALS: 'processes' } }));
    expect(problems).toEqual([
      expect.stringMatching(/agent\.json: sensor_intervals\.processes must be a whole number of seconds from 1 to 86400, not 0$/),
      'FARMWATCH_AGENT_SENSOR_INTERVALS: sensor_intervals must be name=seconds pairs separated by commas, e.g. processes=60,usb_devices=30, not "processes"',
    ]);
  });

  it('takes its defaults and its help from the one schema', () => {
    const d = defaults('/srv/fw') as unknown as Record<string, unknown>;
    const help = settingsHelp();
    for (const [key, s] of Object.entries(SETTINGS_SCHEMA.properties)) {
      expect(Object.keys(d)).toContain(key);
      if ('default' in s) expect(d[key]).toEqual(s.default);
      expect(help).toMatch(new RegExp(`^  ${key} +\\S`, 'm'));
    }
    expect(help).toMatch(/^ {2}heartbeat_interval_s +1\.\.3600 seconds +time between heartbeats \(default 60\)$/m);
    expect(help).toMatch(/^ {2}sensor_intervals +map name -> 1\.\.86400 seconds /m);
    expect(help).toMatch(/^ {2}log_level +debug\|info\|warn\|error /m);
  });

  it('reads MDM-managed preferences as plutil prints them, without the profile keys', () => {
    const json = JSON.stringify({ PayloadUUID: 'C3E7...', PayloadType: 'com.farmwatch.agent', server: 'fw.corp.example:7443', sanctioned_tools: ['teamviewer'], packet_capture: true });
    const managed = () => fromPlistJson('/Library/Managed Preferences/com.farmwatch.agent.plist', json);
    const { config, origins } = loadConfig({ configFile: file('{}'), env: {}, managed });
    expect(config).toMatchObject({ server: 'fw.corp.example:7443', sanctioned_tools: ['teamviewer'], packet_capture: true });
    expect(origins.server).toBe('/Library/Managed Preferences/com.farmwatch.agent.plist');
  });
});

describe('Windows policy registry output', () => {
  it('parses real `reg query` output: strings, DWORDs and multi-strings', () => {
    const out = readFileSync(new URL('./fixtures/config/reg-query-dns-parameters.txt', import.meta.url), 'utf8');
    const values = parseRegQuery(out, 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\DNS\\Parameters');
    expect(values).toEqual({
      GlobalQueryBlockList: ['wpad', 'isatap'], EnableGlobalQueryBlockList: 1, PreviousLocalHostname: 'WINLPE-DC01.INLANEFREIGHT.LOCAL',
      Forwarders: ['1.1.1.1', '8.8.8.8'], ForwardingTimeout: 3, IsSlave: 0, BootMethod: 3, AdminConfigured: 1, ServerLevelPluginDll: 'adduser.dll',
    });
  });

  it('turns a subkey into a map setting and ignores other keys', () => {
    const out = [
      'HKEY_LOCAL_MACHINE\\Software\\Policies\\farmwatch',
      '    server    REG_SZ    fw.corp.example:7443',
      '    heartbeat_interval_s    REG_DWORD    0x78',
      '    sanctioned_tools    REG_MULTI_SZ    teamviewer\\0anydesk',
      '',
      'HKEY_LOCAL_MACHINE\\Software\\Policies\\farmwatch\\sensor_intervals',
      '    processes    REG_DWORD    0x3c',
      '',
    ].join('\r\n');
    const values = parseRegQuery(out);
    expect(values).toEqual({ server: 'fw.corp.example:7443', heartbeat_interval_s: 120, sanctioned_tools: ['teamviewer', 'anydesk'], sensor_intervals: { processes: 60 } });
    const { config } = loadConfig({ configFile: file('{}'), env: {}, managed: () => ({ name: 'registry', values, problems: [] }) });
    expect(config.sensor_intervals).toEqual({ processes: 60 });
  });
});
