// The polygons of one object of a TopoJSON topology (the format world-atlas ships its maps in),
// decoded by topojson-client (ISC) into GeoJSON and flattened to what the map draws: every
// polygon as its outline ring, then its holes.
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import type { Geometry } from 'geojson';

export type { Topology } from 'topojson-specification';
export type Position = [number, number];
export type Ring = Position[];

function collect(g: Geometry | null, out: Ring[][]): void {
  if (!g) return;
  const rings = (r: number[][][]): Ring[] => r.map((ring) => ring.map(([lon, lat]) => [lon ?? 0, lat ?? 0] as Position));
  if (g.type === 'Polygon') out.push(rings(g.coordinates));
  else if (g.type === 'MultiPolygon') for (const p of g.coordinates) out.push(rings(p));
  else if (g.type === 'GeometryCollection') for (const child of g.geometries) collect(child, out);
}

/** Every polygon (a list of rings: the outline, then its holes) of the named object. */
export function decodeTopology(t: Topology, object: string): Ring[][] {
  const root = t.objects[object];
  if (!root) throw new Error(`the topology has no object "${object}" (it has ${Object.keys(t.objects).join(', ')})`);
  const decoded = feature(t, root);
  const out: Ring[][] = [];
  for (const f of 'features' in decoded ? decoded.features : [decoded]) collect(f.geometry, out);
  return out;
}
