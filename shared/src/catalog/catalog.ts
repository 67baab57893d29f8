// The detection catalog: remote-access tools (and, as the catalog grows, KVM devices, VPN clients)
// as data. Built by scripts/build-catalog.mjs from ../shared/reference and shared/catalog/; shipped
// inside every agent and pushed by the collector when it has a newer one.
import { pb, type Catalog } from '@farmwatch/proto';
import data from './data/catalog.json' with { type: 'json' };

export type { Catalog, RemoteAccessTool } from '@farmwatch/proto';

let builtin: Catalog | undefined;

/** The catalog this build was made with. */
export function builtinCatalog(): Catalog {
  builtin ??= pb.Catalog.fromObject(data) as Catalog;
  return builtin;
}
