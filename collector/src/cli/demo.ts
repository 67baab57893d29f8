// farmwatch-collector devices purge-demo: the demo fleet (`npm run demo`) goes, real devices stay.
import type { Command } from '@farmwatch/shared';
import { purgeDemoDevices } from '../ops/demo.js';
import { cliActor, command, dbOption, exits, jsonOption, openStore } from './args.js';

const PURGE_DEMO_HELP = `
  Deletes every demo laptop (registered by \`npm run demo\`, shown with "demo" in \`devices list\`)
  and everything that hangs off it: events, findings, inventory, observations, co-location edges,
  its alerts and the cluster alerts of demo laptops only, suppressions, enrollment tokens,
  certificates and the registration. Laptops that are not demo laptops are not touched; a cluster
  alert that also names one of them stays, without the demo laptops. One transaction, recorded in
  the audit log. A collector running on the database forgets the devices within seconds.
`;

/** `devices purge-demo`, under the devices command. */
export function purgeDemoCommand(devices: Command): void {
  command(devices, 'purge-demo', 'delete the demo laptops (`npm run demo`) and everything they left; other laptops stay')
    .addOption(jsonOption())
    .addOption(dbOption())
    .addHelpText('after', PURGE_DEMO_HELP)
    .action(exits((o: { db: string; json?: boolean }) => purge(o)));
}

function purge(values: { db: string; json?: boolean }): number {
  const store = openStore(values.db);
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
