// The detection catalog: remote-access tools, KVM devices (USB identities, EDIDs, composite
// shapes), mouse jigglers and VPN clients, as data. Built by scripts/build-catalog.mjs from
// reference and shared/catalog/; shipped inside every agent and pushed by the collector
// when it has a newer one. Every catalog is checked against its schema when loaded, and its
// version is the hash of its content.
import { createHash } from 'node:crypto';
import { pb, type Catalog } from '@farmwatch/proto';
import data from './data/catalog.json' with { type: 'json' };
import { catalogSchema } from './catalog-schema.js';
import { SchemaError, validate } from './schema.js';

export type { Catalog, RemoteAccessTool } from '@farmwatch/proto';
export type KvmDevice = NonNullable<Catalog['kvmDevices']>[number];
export type MouseJiggler = NonNullable<Catalog['mouseJigglers']>[number];
export type VpnClient = NonNullable<Catalog['vpnClients']>[number];
export type SharedPort = NonNullable<Catalog['sharedPorts']>[number];
export type UsbIdentity = NonNullable<KvmDevice['usb']>[number];
export type EdidSignature = NonNullable<KvmDevice['edid']>[number];

/** First 16 hex digits of the SHA-256 of the catalog's protobuf encoding without its version. */
export function catalogVersion(catalog: Catalog): string {
  const plain = pb.Catalog.toObject(pb.Catalog.fromObject(catalog), { enums: String });
  const content = pb.Catalog.fromObject({ ...plain, version: undefined });
  return createHash('sha256').update(pb.Catalog.encode(content).finish()).digest('hex').slice(0, 16);
}

/**
 * A catalog from JSON (the shape of farmwatch.v1.Catalog with enum names): checked against the
 * schema, and its version against its content. `what` names it in errors ("the built-in catalog").
 */
export function loadCatalog(json: unknown, what: string): Catalog {
  validate(catalogSchema, json, 'catalog', what);
  const catalog = pb.Catalog.fromObject(json as Record<string, unknown>) as Catalog;
  const version = catalogVersion(catalog);
  if (version !== catalog.version) {
    throw new SchemaError(what, [`catalog.version is ${catalog.version ?? ''} but its content hashes to ${version}: it was edited after it was built; rebuild it (npm run gen:catalog)`]);
  }
  return catalog;
}

/** A catalog as it arrives in a CatalogUpdate: the same checks as a JSON one. */
export function loadCatalogMessage(message: Catalog, what: string): Catalog {
  return loadCatalog(pb.Catalog.toObject(pb.Catalog.fromObject(message), { enums: String }), what);
}

let builtin: Catalog | undefined;

/** The catalog this build was made with. */
export function builtinCatalog(): Catalog {
  builtin ??= loadCatalog(data, 'the built-in catalog (shared/src/catalog/data/catalog.json)');
  return builtin;
}
