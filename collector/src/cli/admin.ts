// farmwatch-collector api-tokens and exclusions: what admins set up.
import { Argument, Option, type Command } from '@farmwatch/shared';
import type { SqliteStore } from '../store/sqlite-store.js';
import { newToken } from '../enroll/tokens.js';
import { parseCidr } from '../enrich/ip.js';
import { ROLES, type Role } from '../store/fleet-records.js';
import { auditTarget } from '../store/audit-target.js';
import { DEFAULT_DB, cliActor, command, dbOption, exits, iso, jsonOption, openStore, required, UsageError } from './args.js';
import { table } from './table.js';

const KINDS = ['network', 'gateway_mac', 'wifi_bssid', 'lan_neighbour', 'kvm_identity', 'remote_peer_id', 'remote_peer_ip', 'public_ip'];

interface Db { db: string; json?: boolean }

function withStore<T>(db: string, opts: { readonly?: boolean; create?: boolean }, fn: (store: SqliteStore) => T): T {
  const store = openStore(db, opts);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

/** A row id: a number from the list. */
function rowId(value: string, what: string, list: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`"${value}" is not ${what} id: give the number \`${list}\` shows`);
  return Number(value);
}

export function apiTokensCommands(program: Command): void {
  const group = command(program, 'api-tokens', 'tokens for the HTTP API, with a role (admin, analyst, it)');
  group.addHelpText('after', `
Tokens for the HTTP API (Authorization: Bearer TOKEN). admin: everything; analyst: alerts, clusters,
suppressions, devices (read); it: register laptops and make enrollment tokens. Every command takes
--db FILE (default ${DEFAULT_DB}).`);

  command(group, 'create', 'a new API token; shown only once')
    .option('--name <name>', 'who or what uses it (required)')
    .addOption(new Option('--role <role>', 'what it may do (required)').choices(ROLES))
    .addOption(jsonOption())
    .addOption(dbOption())
    .hook('preAction', required('--name', '--role'))
    .action(exits((o: Db & { name: string; role: Role }) => withStore(o.db, { create: true }, (store) => {
      const { token, hash } = newToken('api');
      const row = store.alerts.createApiToken(o.name, o.role, hash, Date.now());
      store.alerts.audit(cliActor(), 'api-token.create', auditTarget.apiToken(row.id), `${row.name} (${row.role})`, Date.now());
      if (o.json) process.stdout.write(JSON.stringify({ ...row, token }, null, 2) + '\n');
      else process.stdout.write(`API token ${row.id} "${row.name}" (${row.role}); shown only now:\n\n  ${token}\n\n`);
      return 0;
    })));

  command(group, 'list', 'API tokens with their role, last use and revocation')
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((o: Db) => withStore(o.db, { readonly: true }, (store) => {
      const rows = store.alerts.listApiTokens();
      if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else process.stdout.write(table(['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', 'REVOKED'], rows.map((r) => [String(r.id), r.name, r.role, iso(r.createdMs), iso(r.lastUsedMs), iso(r.revokedMs)])));
      return 0;
    })));

  command(group, 'revoke', 'revoke an API token: it stops working at once')
    .argument('<id>', 'the token\'s id, from `api-tokens list`')
    .addOption(dbOption())
    .action(exits((text: string, o: Db) => withStore(o.db, {}, (store) => {
      const id = rowId(text, 'an API token', 'farmwatch-collector api-tokens list');
      if (!store.alerts.revokeApiToken(id, Date.now())) throw new UsageError(`there is no live API token ${id}: \`farmwatch-collector api-tokens list\` shows them`);
      store.alerts.audit(cliActor(), 'api-token.revoke', auditTarget.apiToken(id), '', Date.now());
      process.stdout.write(`API token ${id} revoked.\n`);
      return 0;
    })));
}

export function exclusionsCommands(program: Command): void {
  const group = command(program, 'exclusions', 'corporate egress and VPN concentrators that must not link laptops');
  group.addHelpText('after', `
Values that must not link laptops: the company's own egress and VPN concentrators (network CIDR; they
also stop counting as remote-access peers), or one value of a kind. A running collector picks changes
up within a minute. Every command takes --db FILE (default ${DEFAULT_DB}).`);

  command(group, 'add', 'exclude a network (CIDR) or one value of a kind')
    .addArgument(new Argument('<kind>', 'network (a CIDR), or the kind of one value').choices(KINDS))
    .argument('<value>', 'a CIDR for network, else the value')
    .option('--reason <text>', 'why ("corporate egress", "VPN concentrator") (required)')
    .addOption(dbOption())
    .hook('preAction', required('--reason'))
    .action(exits((kind: string, value: string, o: Db & { reason: string }) => {
      if (kind === 'network') {
        try {
          parseCidr(value);
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
      }
      return withStore(o.db, { create: true }, (store) => {
        const row = store.fleet.addExclusion(kind, value.trim().toLowerCase(), o.reason, cliActor(), Date.now());
        store.alerts.audit(cliActor(), 'exclusion.add', auditTarget.exclusion(row.id), `${row.kind} ${row.value}: ${o.reason}`, Date.now());
        process.stdout.write(`Exclusion ${row.id}: ${row.kind} ${row.value} (${row.reason}).\n`);
        return 0;
      });
    }));

  command(group, 'list', 'the exclusions')
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((o: Db) => withStore(o.db, { readonly: true }, (store) => {
      const rows = store.fleet.exclusions();
      if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else if (rows.length === 0) process.stdout.write('No exclusion.\n');
      else process.stdout.write(table(['ID', 'KIND', 'VALUE', 'REASON', 'BY', 'SINCE'], rows.map((r) => [String(r.id), r.kind, r.value, r.reason, r.createdBy, iso(r.createdMs)])));
      return 0;
    })));

  command(group, 'remove', 'remove an exclusion')
    .argument('<id>', 'the exclusion\'s id, from `exclusions list`')
    .addOption(dbOption())
    .action(exits((text: string, o: Db) => withStore(o.db, {}, (store) => {
      const id = rowId(text, 'an exclusion', 'farmwatch-collector exclusions list');
      if (!store.fleet.removeExclusion(id)) throw new UsageError(`there is no exclusion ${id}: \`farmwatch-collector exclusions list\` shows them`);
      store.alerts.audit(cliActor(), 'exclusion.remove', auditTarget.exclusion(id), '', Date.now());
      process.stdout.write(`Exclusion ${id} removed.\n`);
      return 0;
    })));
}
