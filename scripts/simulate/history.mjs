// The history replay: the days before "now" of one laptop, as an agent that was offline and
// flushes its spool sends them. Its own evaluator (the agent's detectors, finding and inventory
// differs, observation deduper) runs on the laptop's facts quarter hour by quarter hour with the
// clock set to that moment, so every event carries the time it happened: heartbeats (with keyboard
// and mouse idle time) while the laptop is on, findings when they appear or change, co-location
// observations when the laptop comes to a place (and again a day later, as the agent refreshes
// them). While the laptop sleeps nothing is written.
//
// A laptop's public address reaches the collector only with a stream (the address it comes from),
// so the replay sends each stay's events from that stay's address: when the laptop moves, what it
// wrote at the last place goes out on a stream from there (`flush`), as an agent that comes online
// at each place would send it. The collector puts every hour of those events at that address
// (presence per place) and records each address as seen when its stream came (see README: the
// limitations of the replay).
import { stateAt } from './routine.mjs';
import { extrasAt } from './life.mjs';
import { extrasFacts } from './situation.mjs';

/** Seconds of idle time a heartbeat reports at most (the agent's MAX_IDLE_S). */
const MAX_IDLE_S = 30 * 86_400;

/** Quarter hours (or `stepMs`) from `startMs` to `endMs`, offset per laptop so heartbeats do not all fall on the hour. */
function* steps(laptop, startMs, endMs, stepMs) {
  let offset = 0;
  for (const c of laptop.serial) offset = (offset * 31 + c.charCodeAt(0)) % stepMs;
  for (let t = startMs + (offset % stepMs); t < endMs; t += stepMs) yield t;
}

/** The public addresses the laptop used in its history, in the order it first used them. */
export function historyAddresses(laptop, { startMs, endMs, stepMs }) {
  const seen = [];
  for (const t of steps(laptop, startMs, endMs, stepMs)) {
    const s = stateAt(laptop, t);
    const ip = s.on ? laptop.places[s.at]?.ip : undefined;
    if (ip && !seen.includes(ip)) seen.push(ip);
  }
  return seen;
}

/**
 * Writes the laptop's history into the agent's outbox (agent: a VirtualAgent that has the fleet's
 * observation key and is not connected), and has `flush(ip)` send what it wrote at a place from
 * that place's address whenever the laptop moves on (with the real clock). Returns how many
 * heartbeats it wrote, how many hours the laptop was on, and the address of the last place, whose
 * events are still in the outbox.
 */
export async function replayHistory(agent, laptop, { startMs, endMs, stepMs }, flush = async () => {}) {
  const realNow = Date.now;
  let t = startMs;
  Date.now = () => t;
  let heartbeats = 0;
  let at;
  const hours = new Set();
  try {
    let signature;
    let lastInputMs;
    const sensors = ['host', 'processes', 'network_interfaces', 'network_state', 'wifi', 'sockets', 'usb_devices', 'displays', 'services', 'installed_apps', 'remote_sessions', 'locale'];
    for (t of steps(laptop, startMs, endMs, stepMs)) {
      const s = stateAt(laptop, t);
      if (!s.on) continue;
      const place = laptop.places[s.at];
      if (place.ip !== at) {
        if (at !== undefined && agent.outbox.depth > 0) {
          Date.now = realNow;
          await flush(at);
          Date.now = () => t;
        }
        at = place.ip;
      }
      const x = extrasAt(laptop, t, s);
      const key = JSON.stringify([s.at, x]);
      if (key !== signature) {
        signature = key;
        const facts = extrasFacts(laptop, place.place, x, t);
        if (!agent.evaluator.isReady) {
          agent.facts = facts;
          agent.evaluator.ready(facts, sensors.map((sensor) => ({ sensor, status: 'ok', items: 1, startedAtMs: t, durationMs: 5 })), { cpuPermille: 4, cpuWindowS: 60, rssBytes: 62_000_000 });
        } else {
          agent.update(facts);
        }
      }
      // Someone at the keyboard: input within the last few minutes; otherwise idle since the last.
      if (s.input) lastInputMs = t - (((t / 1000) % 240) + 5) * 1000;
      const idleS = lastInputMs === undefined ? MAX_IDLE_S : Math.min(MAX_IDLE_S, Math.round((t - lastInputMs) / 1000));
      agent.outbox.push({ heartbeat: { uptimeMs: t - startMs, spoolDepth: agent.outbox.depth, cpuPermille: 3, cpuWindowS: 60, input: { idleS } } }, t);
      heartbeats++;
      hours.add(Math.floor(t / 3_600_000));
    }
  } finally {
    Date.now = realNow;
  }
  return { heartbeats, hoursOn: hours.size, lastIp: at };
}
