// What the web console reads beyond the lists: a laptop's timeline, the fleet overview (counts by
// severity, trend, agents), and a cluster as a graph with each link's evidence.
import type { Collector } from '../app.js';
import { findDevice } from '../ops/devices.js';
import { ApiError, type Routes } from './route.js';
import { wholeNumber } from './paging.js';
import { deviceTimeline } from './views/device-timeline.js';
import { fleetOverview, RANGES, type Range } from './views/fleet-overview.js';
import { clusterGraph } from './views/cluster-graph.js';

const DEVICE = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 140 } } };

function device(c: Collector, id: string): string {
  try {
    return findDevice(c.store, id).id;
  } catch (err) {
    throw new ApiError(404, (err as Error).message);
  }
}

export function viewRoutes(routes: Routes, c: Collector): void {
  routes.add({
    method: 'GET', url: '/v1/devices/:id/timeline', roles: ['admin', 'analyst', 'it'], tag: 'devices',
    summary: "A laptop's timeline, newest first: findings, USB and display changes, stops, new co-location values, alerts, people's actions",
    params: DEVICE, query: { type: 'object', additionalProperties: false, properties: { limit: wholeNumber(1, 1000, { default: 200 }) } },
    handler: (req) => {
      const id = device(c, (req.params as { id: string }).id);
      return { deviceId: id, items: deviceTimeline(c.store, id, (req.query as { limit?: number }).limit ?? 200) };
    },
  });
  routes.add({
    method: 'GET', url: '/v1/fleet/overview', roles: ['admin', 'analyst'], tag: 'fleet',
    summary: 'Alerts by severity and status, alerts raised over time, agents online / silent / stopped',
    query: { type: 'object', additionalProperties: false, properties: { range: { type: 'string', enum: Object.keys(RANGES), default: '7d' } } },
    handler: (req) => fleetOverview(c, ((req.query as { range?: Range }).range ?? '7d')),
  });
  routes.add({
    method: 'GET', url: '/v1/clusters/:id', roles: ['admin', 'analyst'], tag: 'fleet',
    summary: 'The cluster a laptop belongs to (id: a member device, or cluster:DEVICE), as a graph of laptops and shared observations with the evidence of each link',
    params: DEVICE,
    handler: (req) => {
      const id = device(c, (req.params as { id: string }).id.replace(/^cluster:/, ''));
      const graph = clusterGraph(c, id);
      if (!graph) throw new ApiError(404, `device ${id} shares nothing with another laptop within the correlation window: it is in no cluster`);
      return graph;
    },
  });
}
