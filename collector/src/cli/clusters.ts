// farmwatch-collector clusters: the co-location graph's clusters (laptops that share a home, a
// KVM, a remote-access peer), and values so common they no longer link anything.
import { createLogger } from '@farmwatch/shared';
import { SqliteStore } from '../store/sqlite-store.js';
import { FleetEngine } from '../fleet/engine.js';
import { clusterViews } from '../ops/clusters.js';
import { DEFAULT_DB, iso, parse, UsageError } from './args.js';
import { table } from './table.js';

export const CLUSTERS_HELP = `Usage: farmwatch-collector clusters list [--json]
       farmwatch-collector clusters show DEVICE [--json]
  (every command takes --db FILE)

  list   clusters of two or more laptops, highest score first
  show   the cluster a device is in: members, people, score by signal, every edge with its evidence
`;

export function clustersCommand(argv: string[]): number {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    json: { type: 'boolean', default: false }, db: { type: 'string', default: DEFAULT_DB }, help: { type: 'boolean', default: false },
  }, 'farmwatch-collector clusters');
  if (values.help || sub === undefined || sub === '--help') {
    process.stdout.write(CLUSTERS_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'list' && sub !== 'show') throw new UsageError(`unknown clusters command "${sub}"\n\n${CLUSTERS_HELP}`);
  const store = new SqliteStore(values.db);
  try {
    const fleet = new FleetEngine({ store, log: createLogger('clusters', 'warn') });
    const views = clusterViews({ fleet, store });
    if (sub === 'show') {
      const wanted = positionals[0];
      if (!wanted) throw new UsageError('clusters show needs a device id (see `clusters list`)');
      const v = views.find((x) => x.members.includes(wanted) || x.id === wanted || x.devices.some((d) => d.hostname === wanted));
      if (!v) throw new UsageError(`"${wanted}" is in no cluster`);
      if (values.json) {
        process.stdout.write(JSON.stringify(v, null, 2) + '\n');
        return 0;
      }
      const out = [`${v.id}: ${v.members.length} laptops of ${v.people.length} people, score ${v.score} (${v.severity})${v.farmCandidate ? ', farm candidate' : ''}`];
      for (const d of v.devices) out.push(`  ${d.id}  ${d.hostname || '-'}  ${d.assignee}  serial ${d.serial || '-'}`);
      out.push('', 'Signals:');
      for (const s of v.signals) out.push(`  +${String(s.weight).padStart(3)}  ${s.title}`);
      out.push('', 'Edges:');
      for (const e of v.edges) out.push(`  ${e.deviceA} — ${e.deviceB}  ${e.kind} ${e.value}  ${iso(e.firstMs)} .. ${iso(e.lastMs)}`);
      process.stdout.write(out.join('\n') + '\n');
      return 0;
    }
    if (values.json) {
      process.stdout.write(JSON.stringify({ clusters: views, hubs: fleet.index.hubList() }, null, 2) + '\n');
      return 0;
    }
    if (views.length === 0) process.stdout.write('No cluster: no two laptops share anything yet.\n');
    else {
      process.stdout.write(table(['CLUSTER', 'LAPTOPS', 'PEOPLE', 'SCORE', 'SEVERITY', 'LINKED BY'],
        views.map((v) => [v.id, String(v.members.length), String(v.people.length), String(v.score), v.severity, [...new Set(v.edges.map((e) => e.kind))].join(', ')])));
    }
    const hubs = fleet.index.hubList();
    if (hubs.length > 0) {
      process.stdout.write(`\nValues seen by too many laptops to link them (exclude them with \`farmwatch-collector exclusions add\`):\n` +
        hubs.map((h) => `  ${h.kind} ${h.value}: ${h.devices} laptops`).join('\n') + '\n');
    }
    return 0;
  } finally {
    store.close();
  }
}
