// farmwatch-collector alerts: what analysts look at.
import type { AlertStatus } from '../store/records.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { DEFAULT_DB, parse, UsageError } from './args.js';
import { ago, table } from './table.js';

export const ALERTS_HELP = `Usage: farmwatch-collector alerts list [--status STATUS] [--limit N] [--json] [--db FILE]
       farmwatch-collector alerts show ID [--json] [--db FILE]

  list   alerts, most severe and most recent first (STATUS: open, acknowledged, resolved, false_positive)
  show   one alert with the findings and evidence behind it
`;

const STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved', 'false_positive'];

export function alertsCommand(argv: string[]): number {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    status: { type: 'string' },
    limit: { type: 'string', default: '100' },
    json: { type: 'boolean', default: false },
    db: { type: 'string', default: DEFAULT_DB },
    help: { type: 'boolean', default: false },
  }, 'farmwatch-collector alerts');
  if (values.help || sub === undefined || sub === '--help') {
    process.stdout.write(ALERTS_HELP);
    return sub === undefined ? 2 : 0;
  }
  const status = values.status as AlertStatus | undefined;
  if (status !== undefined && !STATUSES.includes(status)) {
    throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, not "${values.status}"`);
  }
  if (!/^\d+$/.test(values.limit)) throw new UsageError(`--limit must be a number, not "${values.limit}"`);
  const store = new SqliteStore(values.db, { readonly: true });
  try {
    if (sub === 'list') {
      const alerts = store.listAlerts({ ...(status ? { status } : {}), limit: Number(values.limit) });
      if (values.json) {
        process.stdout.write(JSON.stringify(alerts, null, 2) + '\n');
      } else if (alerts.length === 0) {
        process.stdout.write(`No ${status ?? ''} alerts.\n`.replace('  ', ' '));
      } else {
        process.stdout.write(table(
          ['ID', 'SEVERITY', 'STATUS', 'DEVICE', 'ALERT', 'SEEN', 'LAST SEEN'],
          alerts.map((a) => [String(a.id), a.severity, a.status, a.hostname || a.deviceId, a.title, `${a.occurrences}x`, ago(a.lastSeenMs)]),
        ));
      }
      return 0;
    }
    if (sub === 'show') {
      const id = positionals[0];
      if (id === undefined || !/^\d+$/.test(id)) throw new UsageError('alerts show needs the alert ID (a number from `alerts list`)');
      const alert = store.alert(Number(id));
      if (!alert) throw new UsageError(`there is no alert ${id}`);
      const finding = store.findings(alert.deviceId).find((f) => f.detector === alert.rule && f.key === alert.key);
      if (values.json) {
        process.stdout.write(JSON.stringify({ ...alert, finding: finding ?? null }, null, 2) + '\n');
        return 0;
      }
      const lines = [
        `Alert ${alert.id}: ${alert.title}`,
        `  severity ${alert.severity}, ${alert.status}, seen ${alert.occurrences}x, first ${new Date(alert.firstSeenMs).toISOString()}, last ${new Date(alert.lastSeenMs).toISOString()}`,
        `  device ${alert.hostname} (${alert.deviceId})`,
      ];
      if (finding) {
        lines.push(`  finding ${finding.detector} / ${finding.key}: confidence ${finding.confidence}${finding.clearedAtMs ? `, gone since ${new Date(finding.clearedAtMs).toISOString()}` : ''}`);
        for (const e of finding.evidence) lines.push(`    ${e.field} = ${e.value}${e.matched ? `  (catalog ${e.catalogEntry ?? ''}: "${e.matched}")` : ''}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
      return 0;
    }
    throw new UsageError(`unknown alerts command "${sub}"\n\n${ALERTS_HELP}`);
  } finally {
    store.close();
  }
}
