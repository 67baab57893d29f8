// farmwatch-collector devices: IT registers laptops before shipping them (one, or a CSV export),
// and everyone looks at them.
import { readFileSync } from 'node:fs';
import { SqliteStore } from '../store/sqlite-store.js';
import { deviceViews, findDevice, importDevices, registerDevice, type DeviceView } from '../ops/devices.js';
import { RegistryConflict } from '../store/sqlite/registry.js';
import { DEFAULT_DB, cliActor, iso, parse, positiveInt, UsageError } from './args.js';
import { ago, table } from './table.js';
import { showDevice } from './device-show.js';
import { purgeDemoCommand } from './demo.js';

export const DEVICES_HELP = `Usage: farmwatch-collector devices add --serial S --assignee "Name <email>" --ship-to "City, Region, Country" --timezone Area/City [--token-days N]
       farmwatch-collector devices import FILE.csv [--token-days N]
       farmwatch-collector devices list [--json]
       farmwatch-collector devices show DEVICE [--json]
       farmwatch-collector devices revoke DEVICE --reason TEXT
       farmwatch-collector devices purge-demo
  (every command takes --db FILE)

  add      register a laptop before shipping it; prints its one-time enrollment token
  import   register the laptops of an HR or asset-management CSV export (columns: serial, assignee or
           name + email, ship_to or city + state + country, timezone; optional demo: yes marks a
           simulated laptop of the demo fleet); all rows or none; prints a
           CSV of serial, device id, token and expiry
  list     registered and enrolled laptops
  show     one laptop (by id, serial or hostname): registration, health, findings, observations
  revoke   revoke the laptop's certificates; a running collector ends its streams within seconds
  purge-demo  delete the demo laptops (\`npm run demo\`) and everything they left; others stay
`;

export function devicesCommand(argv: string[]): number {
  const [sub, ...rest] = argv;
  if (sub === 'purge-demo') return purgeDemoCommand(rest);
  const { values, positionals } = parse(rest, {
    serial: { type: 'string' }, assignee: { type: 'string' }, 'ship-to': { type: 'string' }, timezone: { type: 'string' },
    'token-days': { type: 'string' }, reason: { type: 'string' },
    json: { type: 'boolean', default: false }, db: { type: 'string', default: DEFAULT_DB }, help: { type: 'boolean', default: false },
  }, 'farmwatch-collector devices');
  if (values.help || sub === undefined || sub === '--help') {
    process.stdout.write(DEVICES_HELP);
    return sub === undefined ? 2 : 0;
  }
  const ttl = positiveInt(values['token-days'], '--token-days', 7) * 86_400_000;
  const readonly = sub === 'list' || sub === 'show';
  if (!['add', 'import', 'list', 'show', 'revoke'].includes(sub)) throw new UsageError(`unknown devices command "${sub}"\n\n${DEVICES_HELP}`);
  const store = new SqliteStore(values.db, { readonly });
  try {
    switch (sub) {
      case 'add': {
        const missing = (['serial', 'assignee', 'ship-to', 'timezone'] as const).filter((k) => !values[k]);
        if (missing.length > 0) throw new UsageError(`devices add needs ${missing.map((m) => `--${m}`).join(', ')}\n\n${DEVICES_HELP}`);
        let r;
        try {
          r = registerDevice(store, { serial: values.serial, assignee: values.assignee, shipTo: values['ship-to'], timeZone: values.timezone }, cliActor(), ttl);
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
        if (values.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        else {
          process.stdout.write([
            `Registered ${r.registration.serial} as ${r.registration.deviceId}: ${r.registration.assigneeName} <${r.registration.assigneeEmail}>, ` +
            `${r.registration.shipTo}, ${r.registration.timeZone}.`,
            `One-time enrollment token (valid until ${iso(r.tokenExpiresMs)}; shown only now):`, '', `  ${r.token}`, '',
            `On the laptop: farmwatch-agent enroll --server HOST:PORT --ca ca.pem --token ${r.token} --dir DIR`, '',
          ].join('\n'));
        }
        return 0;
      }
      case 'import': {
        const file = positionals[0];
        if (!file) throw new UsageError('devices import needs the CSV file');
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (err) {
          throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        }
        const r = importDevices(store, text, cliActor(), ttl);
        if (r.errors.length > 0) throw new UsageError(`nothing was imported from ${file}; fix these and run it again:\n  ${r.errors.join('\n  ')}`);
        if (values.json) process.stdout.write(JSON.stringify(r.registered, null, 2) + '\n');
        else {
          process.stdout.write('serial,device_id,assignee,token,token_expires\n' + r.registered.map((x) =>
            [x.registration.serial, x.registration.deviceId, `${x.registration.assigneeName} <${x.registration.assigneeEmail}>`, x.token, iso(x.tokenExpiresMs)]
              .map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n');
          process.stderr.write(`imported ${r.registered.length} laptops; the tokens above are shown only now\n`);
        }
        return 0;
      }
      case 'revoke': {
        const wanted = positionals[0];
        if (!wanted) throw new UsageError('devices revoke needs the device (id, serial or hostname)');
        if (!values.reason) throw new UsageError('devices revoke needs --reason (it goes in the audit log)');
        const v = lookup(store, wanted);
        const now = Date.now();
        const serials = store.registry.revokeDevice(v.id, values.reason, now);
        store.alerts.audit(cliActor(), 'device.revoke', v.id, `${values.reason}; certificates ${serials.join(', ') || 'none'}`, now);
        process.stdout.write(serials.length > 0
          ? `Revoked ${serials.length} certificate(s) of ${v.id}; a running collector ends its streams within seconds. Re-enroll with \`farmwatch-collector tokens create ${v.id}\`.\n`
          : `${v.id} had no live certificate; it is marked revoked.\n`);
        return 0;
      }
      case 'show':
        return showDevice(store, lookup(store, positionals[0]), values.json);
      default: {
        const views = deviceViews(store);
        if (values.json) {
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
      }
    }
  } catch (err) {
    if (err instanceof RegistryConflict) throw new UsageError(err.message);
    throw err;
  } finally {
    store.close();
  }
}

function lookup(store: SqliteStore, wanted: string | undefined): DeviceView {
  if (!wanted) throw new UsageError('give a device id, serial or hostname (see `devices list`)');
  try {
    return findDevice(store, wanted);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** One flat object per device for --json: the device row's fields, plus registration and state. */
export function flat(v: DeviceView): Record<string, unknown> {
  return { ...(v.device ?? { id: v.id }), id: v.id, state: v.state, demo: v.demo, registration: v.registration };
}
