// The device page's map, apart from the browser: Natural Earth's land as world-atlas ships it
// (TopoJSON) decoded into polygons that put known cities on land and known seas in water, and the
// viewport that keeps every point in sight.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeTopology, type Ring, type Topology } from '../src/topojson.js';
import { MIN_SPAN_LON, WORLD, project, viewport, type LatLon } from '../src/map-view.js';

const require = createRequire(import.meta.url);
const land = JSON.parse(readFileSync(require.resolve('world-atlas/land-110m.json'), 'utf8')) as Topology;

// Even-odd rule over a polygon's rings (its holes included).
function inside(rings: Ring[], [x, y]: [number, number]): boolean {
  let odd = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as [number, number];
      const [xj, yj] = ring[j] as [number, number];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}

describe('the land of the world map', () => {
  const polygons = decodeTopology(land, 'land');

  it('decodes every polygon into closed rings of real coordinates', () => {
    expect(polygons.length).toBeGreaterThan(100);
    for (const polygon of polygons) {
      for (const ring of polygon) {
        expect(ring.length).toBeGreaterThanOrEqual(4);
        expect(ring[0]).toEqual(ring[ring.length - 1]);
        for (const [lon, lat] of ring) {
          expect(Math.abs(lon)).toBeLessThanOrEqual(180.0001);
          expect(Math.abs(lat)).toBeLessThanOrEqual(90.0001);
        }
      }
    }
  });

  const onLand = (lon: number, lat: number): boolean => polygons.some((p) => inside(p, [lon, lat]));

  it.each([
    ['Austin', -97.74, 30.27], ['Paris', 2.35, 48.86], ['Pyongyang', 125.76, 39.04], ['Shenyang', 123.43, 41.8],
    ['Lagos', 3.38, 6.52], ['Sydney', 151.0, -33.87], ['São Paulo', -46.63, -23.55], ['Novosibirsk', 82.93, 55.03],
  ])('puts %s on land', (_name, lon, lat) => expect(onLand(lon, lat)).toBe(true));

  it.each([
    ['the mid-Atlantic', -35, 30], ['the Pacific off Hawaii', -150, 10], ['the Indian Ocean', 75, -20],
    ['the Caspian Sea', 50.5, 42], ['the Gulf of Mexico', -90, 25], ['the Sea of Japan', 134, 40],
  ])('puts %s in water', (_name, lon, lat) => expect(onLand(lon, lat)).toBe(false));

  it('names the object it cannot find', () => {
    expect(() => decodeTopology(land, 'countries')).toThrow(/no object "countries" \(it has land\)/);
  });
});

describe('the map viewport', () => {
  const contains = (b: ReturnType<typeof viewport>, p: LatLon): boolean => {
    const [x, y] = project(p);
    return x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h;
  };
  const cases: [string, LatLon[]][] = [
    ['one city', [{ lat: 30.27, lon: -97.74 }]],
    ['ship-to Austin, seen in Fairfield CA', [{ lat: 30.27, lon: -97.74 }, { lat: 38.25, lon: -122.04 }]],
    ['ship-to Chicago, peer in Shenyang', [{ lat: 41.88, lon: -87.63 }, { lat: 41.8, lon: 123.43 }]],
    ['Wellington and Reykjavik', [{ lat: -41.29, lon: 174.78 }, { lat: 64.15, lon: -21.94 }]],
    ['near the poles', [{ lat: 78.2, lon: 15.6 }, { lat: -54.8, lon: -68.3 }]],
  ];

  it.each(cases)('shows every point, 2:1, within the world: %s', (_name, points) => {
    const b = viewport(points);
    for (const p of points) expect(contains(b, p)).toBe(true);
    expect(b.w).toBeGreaterThanOrEqual(MIN_SPAN_LON);
    expect(b.w / b.h).toBeGreaterThanOrEqual(2 - 1e-9);
    expect(b.x).toBeGreaterThanOrEqual(WORLD.west + 180);
    expect(b.x + b.w).toBeLessThanOrEqual(WORLD.east + 180 + 1e-9);
    expect(b.y).toBeGreaterThanOrEqual(90 - WORLD.north - 1e-9);
    expect(b.y + b.h).toBeLessThanOrEqual(90 - WORLD.south + 1e-9);
  });

  it('zooms in on one country and out for two continents', () => {
    expect(viewport(cases[1]![1]).w).toBeLessThan(80);
    expect(viewport(cases[2]![1]).w).toBeGreaterThan(200);
  });
});
