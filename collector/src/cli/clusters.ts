// farmwatch-collector clusters: the co-location graph's clusters (laptops that share a home, a
// KVM, a remote-access peer), and values so common they no longer link anything.
import { createLogger, type Command } from '@farmwatch/shared';
import { FleetEngine } from '../fleet/engine.js';
import { clusterViews } from '../ops/clusters.js';
import { DEFAULT_DB, command, dbOption, exits, iso, jsonOption, lookupDevice, openStore, UsageError } from './args.js';
import { table } from './table.js';

function clusters(wanted: string | undefined, o: { db: string; json?: boolean }): number {
  const store = openStore(o.db);
  try {
    const fleet = new FleetEngine({ store, log: createLogger('clusters', 'warn') });
    const views = clusterViews({ fleet, store });
    if (wanted !== undefined) {
      const v = views.find((x) => x.members.includes(wanted) || x.id === wanted || x.devices.some((d) => d.hostname === wanted));
      if (!v) {
        // Not a cluster: a laptop that shares nothing, or no laptop at all.
        const device = lookupDevice(store, wanted);
        throw new UsageError(`${device.id}${device.device?.hostname ? ` (${device.device.hostname})` : ''} is in no cluster: it shares nothing with another laptop (\`farmwatch-collector clusters list\` shows the clusters)`);
      }
      if (o.json) {
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
    if (o.json) {
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

export function clustersCommands(program: Command): void {
  const group = command(program, 'clusters', 'laptops that share a home, a KVM or a remote-access peer');
  group.addHelpText('after', `\nEvery command takes --db FILE (default ${DEFAULT_DB}).`);
  command(group, 'list', 'clusters of two or more laptops, highest score first, and values too common to link laptops')
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((o: { db: string; json?: boolean }) => clusters(undefined, o)));
  command(group, 'show', 'the cluster a laptop is in: members, people, score by signal, every edge with its evidence')
    .argument('<device>', 'a laptop\'s id or hostname, or a cluster id')
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((wanted: string, o: { db: string; json?: boolean }) => clusters(wanted, o)));
}
