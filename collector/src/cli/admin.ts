// farmwatch-collector api-tokens and exclusions: what admins set up.
import { SqliteStore } from '../store/sqlite-store.js';
import { newToken } from '../enroll/tokens.js';
import { parseCidr } from '../enrich/ip.js';
import { ROLES, type Role } from '../store/fleet-records.js';
import { auditTarget } from '../store/audit-target.js';
import { DEFAULT_DB, cliActor, iso, parse, UsageError } from './args.js';
import { table } from './table.js';

export const API_TOKENS_HELP = `Usage: farmwatch-collector api-tokens create --name NAME --role admin|analyst|it [--json]
       farmwatch-collector api-tokens list [--json]
       farmwatch-collector api-tokens revoke ID
  (every command takes --db FILE)

  Tokens for the HTTP API (Authorization: Bearer TOKEN). admin: everything; analyst: alerts,
  clusters, suppressions, devices (read); it: register laptops and make enrollment tokens.
`;

export const EXCLUSIONS_HELP = `Usage: farmwatch-collector exclusions add network CIDR --reason TEXT
       farmwatch-collector exclusions add KIND VALUE --reason TEXT
       farmwatch-collector exclusions list [--json]
       farmwatch-collector exclusions remove ID
  (every command takes --db FILE)

  Values that must not link laptops: the company's own egress and VPN concentrators (network CIDR;
  they also stop counting as remote-access peers), or one value of a kind (gateway_mac, wifi_bssid,
  lan_neighbour, kvm_identity, remote_peer_id, remote_peer_ip, public_ip). A running collector
  picks changes up within a minute.
`;

const KINDS = ['network', 'gateway_mac', 'wifi_bssid', 'lan_neighbour', 'kvm_identity', 'remote_peer_id', 'remote_peer_ip', 'public_ip'];

export function apiTokensCommand(argv: string[]): number {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    name: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean', default: false },
    db: { type: 'string', default: DEFAULT_DB }, help: { type: 'boolean', default: false },
  }, 'farmwatch-collector api-tokens');
  if (values.help || sub === undefined || sub === '--help') {
    process.stdout.write(API_TOKENS_HELP);
    return sub === undefined ? 2 : 0;
  }
  const store = new SqliteStore(values.db, { readonly: sub === 'list' });
  try {
    if (sub === 'create') {
      if (!values.name) throw new UsageError('api-tokens create needs --name (who or what uses it)');
      if (!values.role || !ROLES.includes(values.role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      const { token, hash } = newToken('api');
      const row = store.alerts.createApiToken(values.name, values.role as Role, hash, Date.now());
      store.alerts.audit(cliActor(), 'api-token.create', auditTarget.apiToken(row.id), `${row.name} (${row.role})`, Date.now());
      if (values.json) process.stdout.write(JSON.stringify({ ...row, token }, null, 2) + '\n');
      else process.stdout.write(`API token ${row.id} "${row.name}" (${row.role}); shown only now:\n\n  ${token}\n\n`);
      return 0;
    }
    if (sub === 'list') {
      const rows = store.alerts.listApiTokens();
      if (values.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else process.stdout.write(table(['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', 'REVOKED'], rows.map((r) => [String(r.id), r.name, r.role, iso(r.createdMs), iso(r.lastUsedMs), iso(r.revokedMs)])));
      return 0;
    }
    if (sub === 'revoke') {
      const id = Number(positionals[0]);
      if (!Number.isInteger(id) || !store.alerts.revokeApiToken(id, Date.now())) throw new UsageError(`there is no live API token "${positionals[0] ?? ''}"`);
      store.alerts.audit(cliActor(), 'api-token.revoke', auditTarget.apiToken(id), '', Date.now());
      process.stdout.write(`API token ${id} revoked.\n`);
      return 0;
    }
    throw new UsageError(`unknown api-tokens command "${sub}"\n\n${API_TOKENS_HELP}`);
  } finally {
    store.close();
  }
}

export function exclusionsCommand(argv: string[]): number {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    reason: { type: 'string' }, json: { type: 'boolean', default: false }, db: { type: 'string', default: DEFAULT_DB }, help: { type: 'boolean', default: false },
  }, 'farmwatch-collector exclusions');
  if (values.help || sub === undefined || sub === '--help') {
    process.stdout.write(EXCLUSIONS_HELP);
    return sub === undefined ? 2 : 0;
  }
  const store = new SqliteStore(values.db, { readonly: sub === 'list' });
  try {
    if (sub === 'add') {
      const [kind, value] = positionals;
      if (!kind || !KINDS.includes(kind)) throw new UsageError(`exclusions add needs a kind: ${KINDS.join(', ')}`);
      if (!value) throw new UsageError('exclusions add needs the value (a CIDR for network)');
      if (!values.reason) throw new UsageError('exclusions add needs --reason ("corporate egress", "VPN concentrator")');
      if (kind === 'network') {
        try {
          parseCidr(value);
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
      }
      const row = store.fleet.addExclusion(kind, value.trim().toLowerCase(), values.reason, cliActor(), Date.now());
      store.alerts.audit(cliActor(), 'exclusion.add', auditTarget.exclusion(row.id), `${row.kind} ${row.value}: ${values.reason}`, Date.now());
      process.stdout.write(`Exclusion ${row.id}: ${row.kind} ${row.value} (${row.reason}).\n`);
      return 0;
    }
    if (sub === 'list') {
      const rows = store.fleet.exclusions();
      if (values.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else if (rows.length === 0) process.stdout.write('No exclusion.\n');
      else process.stdout.write(table(['ID', 'KIND', 'VALUE', 'REASON', 'BY', 'SINCE'], rows.map((r) => [String(r.id), r.kind, r.value, r.reason, r.createdBy, iso(r.createdMs)])));
      return 0;
    }
    if (sub === 'remove') {
      const id = Number(positionals[0]);
      if (!Number.isInteger(id) || !store.fleet.removeExclusion(id)) throw new UsageError(`there is no exclusion "${positionals[0] ?? ''}"`);
      store.alerts.audit(cliActor(), 'exclusion.remove', auditTarget.exclusion(id), '', Date.now());
      process.stdout.write(`Exclusion ${id} removed.\n`);
      return 0;
    }
    throw new UsageError(`unknown exclusions command "${sub}"\n\n${EXCLUSIONS_HELP}`);
  } finally {
    store.close();
  }
}
