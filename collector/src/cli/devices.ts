// farmwatch-collector devices: the laptops that have reported.
import type { DeviceRow } from '../store/records.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { DEFAULT_DB, parse, UsageError } from './args.js';
import { ago, table } from './table.js';

export const DEVICES_HELP = `Usage: farmwatch-collector devices list [--json] [--db FILE]
       farmwatch-collector devices show DEVICE [--json] [--db FILE]

  list   the laptops that have reported
  show   one laptop (by id or hostname): health, sensor states, findings, inventory
`;

export function devicesCommand(argv: string[]): number {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    json: { type: 'boolean', default: false },
    db: { type: 'string', default: DEFAULT_DB },
    help: { type: 'boolean', default: false },
  }, 'farmwatch-collector devices');
  if (values.help || sub === undefined || sub === '--help') {
    process.stdout.write(DEVICES_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'list' && sub !== 'show') throw new UsageError(`unknown devices command "${sub}"\n\n${DEVICES_HELP}`);
  const store = new SqliteStore(values.db, { readonly: true });
  try {
    if (sub === 'show') return showDevice(store, positionals[0], values.json);
    const devices = store.listDevices();
    if (values.json) {
      process.stdout.write(JSON.stringify(devices, null, 2) + '\n');
      return 0;
    }
    if (devices.length === 0) {
      process.stdout.write('No device has reported yet.\n');
      return 0;
    }
    process.stdout.write(table(
      ['DEVICE', 'HOSTNAME', 'OS', 'AGENT', 'LAST SEEN', 'STATE', 'EVENTS'],
      devices.map((d) => [
        d.id, d.hostname, `${d.osName} ${d.osVersion}`.trim(), d.agentVersion, ago(d.lastSeenMs),
        d.stoppedAtMs ? `stopped (${d.stopReason ?? ''})` : 'reporting', String(d.lastSequence),
      ]),
    ));
    return 0;
  } finally {
    store.close();
  }
}

function showDevice(store: SqliteStore, wanted: string | undefined, json: boolean): number {
  if (!wanted) throw new UsageError('devices show needs a device id or hostname (see `devices list`)');
  const matches = store.listDevices().filter((d) => d.id === wanted || d.hostname === wanted);
  if (matches.length === 0) throw new UsageError(`no device has the id or hostname "${wanted}"`);
  if (matches.length > 1) throw new UsageError(`${matches.length} devices are named "${wanted}": use the id (${matches.map((d) => d.id).join(', ')})`);
  const d = matches[0] as DeviceRow;
  const detail = {
    device: d,
    sensors: store.sensorStates(d.id),
    findings: store.findings(d.id),
    inventory: store.inventory(d.id),
  };
  if (json) {
    process.stdout.write(JSON.stringify(detail, null, 2) + '\n');
    return 0;
  }
  const out: string[] = [
    `${d.hostname} (${d.id}), ${d.osName} ${d.osVersion}, agent ${d.agentVersion}, catalog ${d.catalogVersion}`,
    `  last seen ${ago(d.lastSeenMs)} from ${d.lastPeer}; ${d.stoppedAtMs ? `stopped ${ago(d.stoppedAtMs)} (${d.stopReason ?? ''})` : 'reporting'}; ` +
      `${d.lastSequence} events; agent RSS ${d.rssBytes === null ? '?' : `${Math.round(d.rssBytes / 1048576)} MB`}`,
    '',
    'Findings:',
  ];
  if (detail.findings.length === 0) out.push('  none');
  for (const f of detail.findings) {
    out.push(`  [${f.severity}] ${f.title} (${f.detector}/${f.key})${f.clearedAtMs ? ` gone ${ago(f.clearedAtMs)}` : ''}`);
  }
  out.push('', 'Sensors:');
  for (const s of detail.sensors) out.push(`  ${s.sensor.padEnd(20)} ${s.status.padEnd(12)} ${s.status === 'ok' ? `${s.items} items` : s.reason}`);
  out.push('', 'Inventory:');
  if (detail.inventory.length === 0) out.push('  none');
  for (const i of detail.inventory) out.push(`  ${i.kind.padEnd(18)} ${i.summary}`);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
