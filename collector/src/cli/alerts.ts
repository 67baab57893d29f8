// farmwatch-collector alerts: what analysts review and act on.
import type { AlertStatus } from '../store/records.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { LifecycleError, assign, note, parseDuration, suppress, transition, type AlertAction } from '../ops/alerts.js';
import { DEFAULT_DB, cliActor, iso, parse, positiveInt, UsageError } from './args.js';
import { ago, table } from './table.js';
import { showAlert } from './alert-show.js';

export const ALERTS_HELP = `Usage: farmwatch-collector alerts list [--status S] [--severity S] [--rule R] [--device D] [--scope device|cluster]
                                        [--sort severity|recent|score] [--limit N] [--offset N] [--json]
       farmwatch-collector alerts show ID [--json]
       farmwatch-collector alerts ack|resolve|false-positive|reopen ID [--note TEXT]
       farmwatch-collector alerts note ID TEXT
       farmwatch-collector alerts assign ID NAME
       farmwatch-collector alerts suppress --rule RULE [--device D] --for 7d --reason TEXT
       farmwatch-collector alerts suppressions [--json]
  (every command takes --db FILE)

  list     alerts, most severe and most recent first (status: open, acknowledged, resolved, false_positive)
  show     one alert: its score explained signal by signal, members, evidence, notes
  ack      someone is on it; resolve: dealt with; false-positive: not a case; reopen
  suppress silence a rule ("*": every rule) for a device or the whole fleet until it expires
`;

const STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved', 'false_positive'];
const ACTIONS: Record<string, AlertAction> = { ack: 'ack', resolve: 'resolve', 'false-positive': 'false_positive', reopen: 'reopen' };

export function alertsCommand(argv: string[]): number {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    status: { type: 'string' }, severity: { type: 'string' }, rule: { type: 'string' }, device: { type: 'string' }, scope: { type: 'string' },
    sort: { type: 'string', default: 'severity' }, limit: { type: 'string', default: '100' }, offset: { type: 'string' },
    note: { type: 'string' }, for: { type: 'string' }, reason: { type: 'string' },
    json: { type: 'boolean', default: false }, db: { type: 'string', default: DEFAULT_DB }, help: { type: 'boolean', default: false },
  }, 'farmwatch-collector alerts');
  if (values.help || sub === undefined || sub === '--help') {
    process.stdout.write(ALERTS_HELP);
    return sub === undefined ? 2 : 0;
  }
  const status = values.status as AlertStatus | undefined;
  if (status !== undefined && !STATUSES.includes(status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, not "${values.status}"`);
  if (!['severity', 'recent', 'score'].includes(values.sort)) throw new UsageError('--sort must be severity, recent or score');
  if (values.scope && values.scope !== 'device' && values.scope !== 'cluster') throw new UsageError('--scope must be device or cluster');
  const limit = positiveInt(values.limit, '--limit', 100);
  const readonly = sub === 'list' || sub === 'show' || sub === 'suppressions';
  const store = new SqliteStore(values.db, { readonly });
  const id = (): number => {
    const v = positionals[0];
    if (v === undefined || !/^\d+$/.test(v)) throw new UsageError(`alerts ${sub} needs the alert ID (a number from \`alerts list\`)`);
    return Number(v);
  };
  try {
    if (sub === 'list') {
      const alerts = store.listAlerts({
        ...(status ? { status } : {}), ...(values.severity ? { severity: values.severity } : {}), ...(values.rule ? { rule: values.rule } : {}),
        ...(values.device ? { deviceId: values.device } : {}), ...(values.scope ? { scope: values.scope as 'device' | 'cluster' } : {}),
        sort: values.sort as 'severity', limit, offset: Number(values.offset ?? 0),
      });
      if (values.json) process.stdout.write(JSON.stringify(alerts, null, 2) + '\n');
      else if (alerts.length === 0) process.stdout.write(`No ${status ?? ''} alerts.\n`.replace('  ', ' '));
      else {
        process.stdout.write(table(
          ['ID', 'SEVERITY', 'SCORE', 'STATUS', 'DEVICE', 'ALERT', 'SEEN', 'LAST SEEN'],
          alerts.map((a) => [String(a.id), a.severity, String(a.score), a.status, a.scope === 'cluster' ? `cluster (${a.hostname || a.deviceId}, ...)` : a.hostname || a.deviceId,
            a.title.length > 90 ? `${a.title.slice(0, 87)}...` : a.title, `${a.occurrences}x`, ago(a.lastSeenMs)]),
        ));
      }
      return 0;
    }
    if (sub === 'show') return showAlert(store, id(), values.json);
    if (sub === 'suppressions') {
      const rows = store.alerts.suppressions(Date.now());
      if (values.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else if (rows.length === 0) process.stdout.write('No suppression in force.\n');
      else process.stdout.write(table(['ID', 'RULE', 'DEVICE', 'UNTIL', 'BY', 'REASON'], rows.map((s) => [String(s.id), s.rule, s.deviceId || '(all)', iso(s.expiresMs), s.createdBy, s.reason])));
      return 0;
    }
    try {
      const action = ACTIONS[sub];
      if (action) {
        const n = id();
        transition(store, n, action, cliActor(), values.note);
        process.stdout.write(`Alert ${n} is ${store.alert(n)?.status ?? '?'}.\n`);
        return 0;
      }
      if (sub === 'note') {
        note(store, id(), positionals.slice(1).join(' '), cliActor());
        process.stdout.write('Note added.\n');
        return 0;
      }
      if (sub === 'assign') {
        assign(store, id(), positionals.slice(1).join(' '), cliActor());
        process.stdout.write('Assigned.\n');
        return 0;
      }
      if (sub === 'suppress') {
        if (!values.rule || !values.for || !values.reason) throw new UsageError('alerts suppress needs --rule, --for (30m, 12h, 7d) and --reason');
        const s = suppress(store, values.rule, values.device ?? '', values.reason, parseDuration(values.for), cliActor());
        process.stdout.write(`Suppression ${s.id}: ${s.rule} on ${s.deviceId || 'every device'} until ${iso(s.expiresMs)}.\n`);
        return 0;
      }
    } catch (err) {
      if (err instanceof LifecycleError) throw new UsageError(err.message);
      throw err;
    }
    throw new UsageError(`unknown alerts command "${sub}"\n\n${ALERTS_HELP}`);
  } finally {
    store.close();
  }
}
