// Reads polygons out of a TopoJSON topology (the format world-atlas ships its maps in): shared
// arcs, quantized and delta-encoded, that rings refer to by index (a negative index ~i is arc i
// walked backwards). Only what the map needs: Polygon, MultiPolygon and collections of them.
// Format: https://github.com/topojson/topojson-specification
export type Position = [number, number];
export type Ring = Position[];

interface Geometry {
  type: string;
  arcs?: unknown;
  geometries?: Geometry[];
}

export interface Topology {
  type: 'Topology';
  transform?: { scale: [number, number]; translate: [number, number] };
  arcs: number[][][];
  objects: Record<string, Geometry>;
}

function decodeArcs(t: Topology): Position[][] {
  const tr = t.transform;
  return t.arcs.map((arc) => {
    if (!tr) return arc.map(([x, y]) => [x ?? 0, y ?? 0] as Position);
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      x += dx ?? 0;
      y += dy ?? 0;
      return [x * tr.scale[0] + tr.translate[0], y * tr.scale[1] + tr.translate[1]] as Position;
    });
  });
}

function ring(indexes: number[], arcs: Position[][]): Ring {
  const out: Ring = [];
  for (const i of indexes) {
    const arc = arcs[i < 0 ? ~i : i];
    if (!arc) throw new Error(`TopoJSON ring refers to arc ${i}, which does not exist`);
    const walked = i < 0 ? [...arc].reverse() : arc;
    // Consecutive arcs share their meeting point: keep it once.
    out.push(...(out.length > 0 ? walked.slice(1) : walked));
  }
  return out;
}

/** Every polygon (a list of rings: the outline, then its holes) of the named object. */
export function decodeTopology(t: Topology, object: string): Ring[][] {
  const root = t.objects[object];
  if (!root) throw new Error(`the topology has no object "${object}" (it has ${Object.keys(t.objects).join(', ')})`);
  const arcs = decodeArcs(t);
  const polygons: Ring[][] = [];
  const visit = (g: Geometry): void => {
    if (g.type === 'GeometryCollection') for (const child of g.geometries ?? []) visit(child);
    else if (g.type === 'Polygon') polygons.push((g.arcs as number[][]).map((r) => ring(r, arcs)));
    else if (g.type === 'MultiPolygon') for (const p of g.arcs as number[][][]) polygons.push(p.map((r) => ring(r, arcs)));
  };
  visit(root);
  return polygons;
}
