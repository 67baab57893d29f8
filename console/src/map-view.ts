// The map's geometry, apart from drawing: an equirectangular projection in degrees (x = lon + 180,
// y = 90 - lat, so north is up and the SVG viewBox is in degrees too) and the part of the world a
// set of points needs.
export interface LatLon { lat: number; lon: number }
export interface Box { x: number; y: number; w: number; h: number }

/** The world as drawn when nothing narrows it: Antarctica is left out. */
export const WORLD = { west: -180, east: 180, north: 84, south: -60 };
/** Never closer than this many degrees of longitude across: a city alone still shows its country. */
export const MIN_SPAN_LON = 40;
const PAD_DEG = 8;

export const project = (p: LatLon): [number, number] => [p.lon + 180, 90 - p.lat];

/** The part of the world to show: every point with a margin, at least MIN_SPAN_LON wide, 2:1. */
export function viewport(points: readonly LatLon[]): Box {
  if (points.length === 0) throw new Error('viewport of no points');
  let west = Math.min(...points.map((p) => p.lon)) - PAD_DEG;
  let east = Math.max(...points.map((p) => p.lon)) + PAD_DEG;
  let north = Math.max(...points.map((p) => p.lat)) + PAD_DEG;
  let south = Math.min(...points.map((p) => p.lat)) - PAD_DEG;
  const w = Math.min(Math.max(east - west, MIN_SPAN_LON, 2 * (north - south)), WORLD.east - WORLD.west);
  const h = Math.min(w / 2, WORLD.north - WORLD.south);
  const cx = (west + east) / 2;
  const cy = (north + south) / 2;
  west = Math.min(Math.max(cx - w / 2, WORLD.west), WORLD.east - w);
  north = Math.max(Math.min(cy + h / 2, WORLD.north), WORLD.south + h);
  east = west + w;
  south = north - h;
  return { x: west + 180, y: 90 - north, w: east - west, h: north - south };
}
