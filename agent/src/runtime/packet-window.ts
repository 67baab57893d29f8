// The packets sensor reports the notable flows seen since its previous run; findings need the
// flows of a recent window instead, or a tunnel seen in one minute would be "gone" the next.
// This keeps each flow (by its endpoints) with its latest summary for `windowMs` after it was
// last seen.
import type { SensorSpec } from '../sensors/index.js';
import type { PacketFacts } from '../sensors/packets/types.js';
import type { FlowSummary } from '../packets/index.js';

const keyOf = (f: FlowSummary): string => `${f.transport}|${f.client.ip}|${f.client.port}|${f.server.ip}|${f.server.port}`;

export function windowed(spec: SensorSpec<PacketFacts>, windowMs = 30 * 60_000): SensorSpec<PacketFacts> {
  const recent = new Map<string, FlowSummary>();
  return {
    ...spec,
    async collect(ctx) {
      const snap = await spec.collect(ctx);
      for (const f of snap.flows) recent.set(keyOf(f), f);
      const newest = Math.max(Date.now(), ...snap.flows.map((f) => f.lastMs));
      for (const [k, f] of recent) if (newest - f.lastMs > windowMs) recent.delete(k);
      return { ...snap, flows: [...recent.values()] };
    },
  };
}
