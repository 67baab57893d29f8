// farmwatch-collector alerts: what analysts review and act on.
import { InvalidArgumentError, Option, type Command } from '@farmwatch/shared';
import type { SqliteStore } from '../store/sqlite-store.js';
import { LifecycleError, assign, note, parseDuration, suppress, transition, type AlertAction } from '../alerts/lifecycle.js';
import { ALERT_SCOPES, ALERT_SEVERITIES, ALERT_SORTS, ALERT_STATUS_FILTERS, knownRules } from '../ops/alert-values.js';
import { DEFAULT_DB, cliActor, command, dbOption, exits, iso, jsonOption, lookupDevice, nonNegativeInt, openStore, positiveInt, required, UsageError } from './args.js';
import { ago, table } from './table.js';
import { showAlert } from './alert-show.js';

interface Db { db: string }
interface ListOptions extends Db {
  status?: (typeof ALERT_STATUS_FILTERS)[number]; severity?: string; rule?: string; device?: string; scope?: 'device' | 'cluster';
  sort: (typeof ALERT_SORTS)[number]; limit: number; offset: number; json?: boolean;
}
interface SuppressOptions extends Db { rule: string; device?: string; for: string; reason: string }

const ACTIONS: [string, AlertAction, string][] = [
  ['ack', 'ack', 'someone is on it (open -> acknowledged)'],
  ['resolve', 'resolve', 'dealt with (open or acknowledged -> resolved)'],
  ['false-positive', 'false_positive', 'not a case (-> false_positive)'],
  ['reopen', 'reopen', 'back to open'],
];

/** An alert id: a number from `alerts list`. */
function alertId(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new InvalidArgumentError('Give the alert\'s number from `farmwatch-collector alerts list`.');
  return Number(value);
}

/** A rule the collector knows ("*": every rule, where `star` allows it); an unknown one is refused with the list. */
function checkRule(store: SqliteStore, rule: string, star: boolean): void {
  if (star && rule === '*') return;
  const rules = knownRules(store.db);
  if (!rules.includes(rule)) {
    throw new UsageError(`no alert or finding in this database has the rule "${rule}": use one of ${rules.join(', ')}${star ? ', or "*" for every rule' : ''}`);
  }
}

/** Lifecycle refusals (no such alert, wrong status, unknown assignee) are usage errors. */
function acting<A extends unknown[]>(fn: (...args: A) => number): (...args: A) => number {
  return (...args) => {
    try {
      return fn(...args);
    } catch (err) {
      if (err instanceof LifecycleError) throw new UsageError(err.statusCode === 404 ? `${err.message}: \`farmwatch-collector alerts list\` shows them` : err.message);
      throw err;
    }
  };
}

function list(o: ListOptions): number {
  const store = openStore(o.db, { readonly: true });
  try {
    if (o.rule !== undefined) checkRule(store, o.rule, false);
    const device = o.device === undefined ? undefined : lookupDevice(store, o.device);
    const deviceId = device?.id;
    const alerts = store.listAlerts({
      ...(o.status === 'active' ? { statuses: ['open', 'acknowledged'] } : o.status ? { status: o.status } : {}),
      ...(o.severity ? { severity: o.severity } : {}), ...(o.rule ? { rule: o.rule } : {}),
      ...(deviceId ? { deviceId } : {}), ...(o.scope ? { scope: o.scope } : {}),
      sort: o.sort, limit: o.limit, offset: o.offset,
    });
    if (o.json) process.stdout.write(JSON.stringify(alerts, null, 2) + '\n');
    else if (alerts.length === 0) {
      const of = device ? ` for ${device.device?.hostname ? `${device.device.hostname} (${device.id})` : device.id}` : '';
      process.stdout.write(`No ${o.status ?? ''} alerts${of}.\n`.replace('  ', ' '));
    }
    else {
      process.stdout.write(table(
        ['ID', 'SEVERITY', 'SCORE', 'STATUS', 'DEVICE', 'ALERT', 'SEEN', 'LAST SEEN'],
        alerts.map((a) => [String(a.id), a.severity, String(a.score), a.status, a.scope === 'cluster' ? `cluster (${a.hostname || a.deviceId}, ...)` : a.hostname || a.deviceId,
          a.title.length > 90 ? `${a.title.slice(0, 87)}...` : a.title, `${a.occurrences}x`, ago(a.lastSeenMs)]),
      ));
    }
    return 0;
  } finally {
    store.close();
  }
}

function withStore<T>(db: string, readonly: boolean, fn: (store: SqliteStore) => T): T {
  const store = openStore(db, { readonly });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

export function alertsCommands(program: Command): void {
  const alerts = command(program, 'alerts', 'what analysts review, one case per laptop and per cluster: list, show, ack, resolve, false-positive, note, assign, suppress');
  alerts.addHelpText('after', `
A laptop's case (rule device.risk) carries its findings as evidence and its score signal by signal; a
cluster's (fleet.colocation) its laptops and links. A new finding reopens a resolved case.
Statuses: open -> acknowledged (ack: someone is on it) -> resolved, or false_positive (not a case); reopen
brings one back. Suppressions silence a rule ("*": every rule) for a laptop or the whole fleet until
they expire; one that names a detector leaves its findings out of the laptop's case. Every command takes
--db FILE (default ${DEFAULT_DB}).`);

  command(alerts, 'list', 'cases (one per laptop, one per cluster), most severe and most recent first')
    .addOption(new Option('--status <status>', 'only alerts in this status (active: open or acknowledged)').choices(ALERT_STATUS_FILTERS))
    .addOption(new Option('--severity <level>', 'only alerts of this severity').choices(ALERT_SEVERITIES))
    .option('--rule <rule>', 'only alerts of this rule (device.risk: laptops\' cases, fleet.colocation: clusters\'; a detector: finding alerts from before cases)')
    .option('--device <device>', 'only alerts of this laptop (its id, serial or hostname)')
    .addOption(new Option('--scope <scope>', 'device: about one laptop; cluster: about laptops that share a place').choices(ALERT_SCOPES))
    .addOption(new Option('--sort <order>', 'severity: most severe first; score: highest first; recent: last changed first; age: oldest first').choices(ALERT_SORTS).default('severity'))
    .option('--limit <n>', 'at most this many', positiveInt, 100)
    .option('--offset <n>', 'skip this many first', nonNegativeInt, 0)
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((o: ListOptions) => list(o)));

  command(alerts, 'show', 'one case: its score explained signal by signal, its findings with what matched, members, notes')
    .argument('<id>', 'the alert\'s number', alertId)
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits(acting((id: number, o: Db & { json?: boolean }) => withStore(o.db, true, (store) => {
      if (!store.alert(id)) throw new LifecycleError(404, `there is no alert ${id}`);
      return showAlert(store, id, o.json ?? false);
    }))));

  for (const [name, action, description] of ACTIONS) {
    command(alerts, name, description)
      .argument('<id>', 'the alert\'s number', alertId)
      .option('--note <text>', 'a note kept with the alert (why)')
      .addOption(dbOption())
      .action(exits(acting((id: number, o: Db & { note?: string }) => withStore(o.db, false, (store) => {
        transition(store, id, action, cliActor(), o.note);
        process.stdout.write(`Alert ${id} is ${store.alert(id)?.status ?? '?'}.\n`);
        return 0;
      }))));
  }

  command(alerts, 'note', 'add a note to an alert')
    .argument('<id>', 'the alert\'s number', alertId)
    .argument('<text...>', 'the note')
    .addOption(dbOption())
    .action(exits(acting((id: number, text: string[], o: Db) => withStore(o.db, false, (store) => {
      note(store, id, text.join(' '), cliActor());
      process.stdout.write('Note added.\n');
      return 0;
    }))));

  command(alerts, 'assign', 'assign an alert to a console user (admin or analyst); without a user, to nobody')
    .argument('<id>', 'the alert\'s number', alertId)
    .argument('[user]', 'the user\'s name, as `farmwatch-collector users list` shows it')
    .addOption(dbOption())
    .action(exits(acting((id: number, user: string | undefined, o: Db) => withStore(o.db, false, (store) => {
      assign(store, id, user ?? '', cliActor());
      process.stdout.write(user ? `Alert ${id} is assigned to ${user.trim()}.\n` : `Alert ${id} is assigned to nobody.\n`);
      return 0;
    }))));

  command(alerts, 'suppress', 'silence a rule for a laptop or the whole fleet until it expires')
    .option('--rule <rule>', 'the rule to silence: device.risk (laptops\' cases), fleet.colocation, "*" (every rule), or a detector (its findings are left out of the case) (required)')
    .option('--device <device>', 'only on this laptop (id, serial or hostname; default: every laptop)')
    .option('--for <duration>', 'how long: 30m, 12h, 7d (at most a year) (required)')
    .option('--reason <text>', 'why (kept in the audit log) (required)')
    .addOption(dbOption())
    .hook('preAction', required('--rule', '--for', '--reason'))
    .action(exits(acting((o: SuppressOptions) => {
      const forMs = parseDuration(o.for);
      return withStore(o.db, false, (store) => {
        checkRule(store, o.rule, true);
        const deviceId = o.device === undefined ? '' : lookupDevice(store, o.device).id;
        const s = suppress(store, o.rule, deviceId, o.reason, forMs, cliActor());
        process.stdout.write(`Suppression ${s.id}: ${s.rule} on ${s.deviceId || 'every device'} until ${iso(s.expiresMs)}.\n`
          + 'A running collector redoes the cases it covers within a minute.\n');
        return 0;
      });
    })));

  command(alerts, 'suppressions', 'the suppressions in force')
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((o: Db & { json?: boolean }) => withStore(o.db, true, (store) => {
      const rows = store.alerts.suppressions(Date.now());
      if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else if (rows.length === 0) process.stdout.write('No suppression in force.\n');
      else process.stdout.write(table(['ID', 'RULE', 'DEVICE', 'UNTIL', 'BY', 'REASON'], rows.map((s) => [String(s.id), s.rule, s.deviceId || '(all)', iso(s.expiresMs), s.createdBy, s.reason])));
      return 0;
    })));
}
