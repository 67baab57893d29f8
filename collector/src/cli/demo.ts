// farmwatch-collector devices purge-demo: the demo fleet (`npm run demo`) goes, real devices stay.
import { SqliteStore } from '../store/sqlite-store.js';
import { purgeDemoDevices } from '../ops/demo.js';
import { DEFAULT_DB, cliActor, parse, UsageError } from './args.js';

export const PURGE_DEMO_HELP = `Usage: farmwatch-collector devices purge-demo [--db FILE] [--json]

  Deletes every demo laptop (registered by \`npm run demo\`, shown with "demo" in \`devices list\`)
  and everything that hangs off it: events, findings, inventory, observations, co-location edges,
  its alerts and the cluster alerts of demo laptops only, suppressions, enrollment tokens,
  certificates and the registration. Laptops that are not demo laptops are not touched; a cluster
  alert that also names one of them stays, without the demo laptops. One transaction, recorded in
  the audit log. A collector running on the database forgets the devices within seconds.
`;

export function purgeDemoCommand(argv: string[]): number {
  const { values, positionals } = parse(argv, {
    json: { type: 'boolean', default: false }, db: { type: 'string', default: DEFAULT_DB }, help: { type: 'boolean', default: false },
  }, 'farmwatch-collector devices purge-demo');
  if (values.help) {
    process.stdout.write(PURGE_DEMO_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`devices purge-demo takes no device (it removes every demo laptop), not "${positionals.join(' ')}"\n\n${PURGE_DEMO_HELP}`);
  const store = new SqliteStore(values.db);
  try {
    const r = purgeDemoDevices(store, cliActor());
    if (values.json) {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      return 0;
    }
    if (r.devices.length === 0) {
      process.stdout.write(`No demo laptop in ${values.db}: nothing removed.\n`);
      return 0;
    }
    const rows = Object.entries(r.deleted).filter(([, n]) => n > 0).map(([table, n]) => `  ${table.padEnd(18)} ${n}`);
    process.stdout.write([
      `Removed ${r.devices.length} demo laptop(s) from ${values.db} (serials ${range(r.devices.map((d) => d.serial))}), with:`,
      ...rows,
      ...(r.clusterAlertsKept.length > 0 ? [`Cluster alert(s) ${r.clusterAlertsKept.map((id) => `#${id}`).join(', ')} also name other laptops: kept, without the demo ones.`] : []),
      'Recorded in the audit log (device.purge-demo). Other devices were not touched.',
      '',
    ].join('\n'));
    return 0;
  } finally {
    store.close();
  }
}

/** "DEMO00001 … DEMO00250" for a long list, the list itself for a short one. */
function range(serials: string[]): string {
  const sorted = [...serials].sort();
  return sorted.length <= 4 ? sorted.join(', ') : `${sorted[0] ?? ''} … ${sorted.at(-1) ?? ''}`;
}
