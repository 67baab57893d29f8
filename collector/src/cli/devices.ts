// farmwatch-collector devices: IT registers laptops before shipping them (one, or a CSV export),
// and everyone looks at them.
import { readFileSync } from 'node:fs';
import { describeFileError, type Command } from '@farmwatch/shared';
import type { SqliteStore } from '../store/sqlite-store.js';
import { deviceViews, importDevices, registerDevice, type DeviceView } from '../ops/devices.js';
import { RegistryConflict } from '../store/sqlite/registry.js';
import { auditTarget } from '../store/audit-target.js';
import { writeCsv } from '../enroll/csv-write.js';
import { DEFAULT_DB, cliActor, command, dbOption, exits, iso, jsonOption, lookupDevice, openStore, positiveInt, required, UsageError } from './args.js';
import { ago, table } from './table.js';
import { showDevice } from './device-show.js';
import { purgeDemoCommand } from './demo.js';

interface Db { db: string }
interface AddOptions extends Db { serial: string; assignee: string; shipTo: string; street?: string; unit?: string; timezone: string; tokenDays: number; json?: boolean }

/** Runs `fn` on the database; a registry conflict (serial taken, ...) is a usage error. */
function withStore<T>(db: string, opts: { readonly?: boolean; create?: boolean }, fn: (store: SqliteStore) => T): T {
  const store = openStore(db, opts);
  try {
    return fn(store);
  } catch (err) {
    if (err instanceof RegistryConflict) throw new UsageError(err.message);
    throw err;
  } finally {
    store.close();
  }
}

const tokenDays = (): [string, string, (v: string) => number, number] => ['--token-days <n>', 'days the one-time enrollment token stays valid', positiveInt, 7];

function add(o: AddOptions): number {
  return withStore(o.db, { create: true }, (store) => {
    let r;
    try {
      r = registerDevice(store, { serial: o.serial, assignee: o.assignee, shipTo: o.shipTo, street: o.street, unit: o.unit, timeZone: o.timezone }, cliActor(), o.tokenDays * 86_400_000);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else {
      process.stdout.write([
        `Registered ${r.registration.serial} as ${r.registration.deviceId}: ${r.registration.assigneeName} <${r.registration.assigneeEmail}>, ` +
        `${r.registration.shipTo}, ${r.registration.timeZone}.`,
        `One-time enrollment token (valid until ${iso(r.tokenExpiresMs)}; shown only now):`, '', `  ${r.token}`, '',
        `On the laptop: farmwatch-agent enroll --server HOST:PORT --ca ca.pem --token ${r.token} --dir DIR`,
        `(ca.pem: this collector's CA certificate, ca.pem in its --tls-dir; public, it goes with the token. ca-key.pem never leaves the collector.)`, '',
      ].join('\n'));
    }
    return 0;
  });
}

function importCsv(file: string, o: Db & { tokenDays: number; json?: boolean }): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(describeFileError(err, file, 'the CSV file', { fix: 'give the path of the HR or asset-management export' }));
  }
  return withStore(o.db, { create: true }, (store) => {
    const r = importDevices(store, text, cliActor(), o.tokenDays * 86_400_000);
    if (r.errors.length > 0) throw new UsageError(`nothing was imported from ${file}: ${r.problemCount} problem(s); fix them and run it again:\n  ${r.errors.join('\n  ')}`);
    if (o.json) process.stdout.write(JSON.stringify(r.registered, null, 2) + '\n');
    else {
      process.stdout.write(writeCsv([['serial', 'device_id', 'assignee', 'token', 'token_expires'], ...r.registered.map((x) =>
        [x.registration.serial, x.registration.deviceId, `${x.registration.assigneeName} <${x.registration.assigneeEmail}>`, x.token, iso(x.tokenExpiresMs)])]));
      process.stderr.write(`imported ${r.registered.length} laptops; the tokens above are shown only now\n`);
    }
    return 0;
  });
}

function revoke(wanted: string, o: Db & { reason: string }): number {
  return withStore(o.db, {}, (store) => {
    const v = lookupDevice(store, wanted);
    const now = Date.now();
    const serials = store.registry.revokeDevice(v.id, o.reason, now);
    store.alerts.audit(cliActor(), 'device.revoke', auditTarget.device(v.id), `${o.reason}; certificates ${serials.join(', ') || 'none'}`, now);
    process.stdout.write(serials.length > 0
      ? `Revoked ${serials.length} certificate(s) of ${v.id}; a running collector ends its streams within seconds. Re-enroll with \`farmwatch-collector tokens create ${v.id}\`.\n`
      : `${v.id} had no live certificate; it is marked revoked.\n`);
    return 0;
  });
}

function list(o: Db & { json?: boolean }): number {
  return withStore(o.db, { readonly: true }, (store) => {
    const views = deviceViews(store);
    if (o.json) {
      process.stdout.write(JSON.stringify(views.map(flat), null, 2) + '\n');
      return 0;
    }
    if (views.length === 0) {
      process.stdout.write('No device yet: register one with `farmwatch-collector devices add`.\n');
      return 0;
    }
    process.stdout.write(table(
      ['DEVICE', 'SERIAL', 'ASSIGNEE', 'HOSTNAME', 'STATE', 'LAST SEEN', 'PUBLIC IP', 'EVENTS'],
      views.map((v) => [v.id, v.registration?.serial ?? v.device?.hardwareSerial ?? '', v.registration ? `${v.registration.assigneeName} <${v.registration.assigneeEmail}>` : '',
        v.device?.hostname ?? '', v.demo ? `${v.state} (demo)` : v.state, v.device ? ago(v.device.lastSeenMs) : '-', v.device?.publicIp ?? '', String(v.device?.lastSequence ?? 0)]),
    ));
    return 0;
  });
}

export function devicesCommands(program: Command): void {
  const devices = command(program, 'devices', 'register laptops before shipping (add, import CSV), list, show, revoke, purge-demo');
  devices.addHelpText('after', `\nEvery command takes --db FILE (default ${DEFAULT_DB}).`);

  command(devices, 'add', 'register a laptop before shipping it; prints its one-time enrollment token')
    .option('--serial <serial>', 'the laptop\'s hardware serial number (required)')
    .option('--assignee <who>', 'the person it is for: "Name <email>" (required)')
    .option('--ship-to <place>', 'where it is shipped: "City, Region, Country" (required)')
    .option('--street <line>', 'the street line it is shipped to, e.g. "1402 Oak Street, Apt 2"; only a keyed hash of it is stored, to find several people shipped to one address')
    .option('--unit <unit>', 'the apartment or suite, when not in --street (e.g. "Apt 2")')
    .option('--timezone <zone>', 'the person\'s time zone: Area/City, e.g. America/Chicago (required)')
    .option(...tokenDays())
    .addOption(jsonOption())
    .addOption(dbOption())
    .hook('preAction', required('--serial', '--assignee', '--ship-to', '--timezone'))
    .action(exits((o: AddOptions) => add(o)));

  command(devices, 'import', 'register the laptops of an HR or asset-management CSV export; all rows or none')
    .argument('<file>', 'the CSV file')
    .option(...tokenDays())
    .addOption(jsonOption())
    .addOption(dbOption())
    .addHelpText('after', `
Columns: serial, assignee (or name + email), ship_to (or city + state + country), timezone; optional
street (the street line shipped to; only a keyed hash of it is stored) and unit (address line 2),
demo (yes marks a simulated laptop of the demo fleet). Prints a CSV of serial, device id, token and
expiry.`)
    .action(exits((file: string, o: Db & { tokenDays: number; json?: boolean }) => importCsv(file, o)));

  command(devices, 'list', 'registered and enrolled laptops')
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((o: Db & { json?: boolean }) => list(o)));

  command(devices, 'show', 'one laptop: registration, health, findings, observations')
    .argument('<device>', 'its id, serial or hostname')
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((wanted: string, o: Db & { json?: boolean }) => withStore(o.db, { readonly: true }, (store) => showDevice(store, lookupDevice(store, wanted), o.json ?? false))));

  command(devices, 'revoke', 'revoke the laptop\'s certificates; a running collector ends its streams within seconds')
    .argument('<device>', 'its id, serial or hostname')
    .option('--reason <text>', 'why (kept in the audit log) (required)')
    .addOption(dbOption())
    .hook('preAction', required('--reason'))
    .action(exits((wanted: string, o: Db & { reason: string }) => revoke(wanted, o)));

  purgeDemoCommand(devices);
}

/** One flat object per device for --json: the device row's fields, plus registration and state. */
export function flat(v: DeviceView): Record<string, unknown> {
  return { ...(v.device ?? { id: v.id }), id: v.id, state: v.state, demo: v.demo, registration: v.registration };
}
