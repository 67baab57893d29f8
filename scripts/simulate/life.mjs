// What is on a laptop at a moment of its life, and its live phases. A planned laptop says what is
// installed all along (`installed`), a developer's client tools (`dev`), how a farm laptop is
// driven (`control`: from when, which tool or KVM, whose hours), the helpdesk's sessions
// (`tvSessions`), and what happens later, while the collector watches (`later`). The history
// replay (history.mjs) asks for each quarter hour; the planner asks for "now" (phase 0) and later
// (phase 1).
import { firstUse, nowState, operatorWorks } from './routine.mjs';

/** Whether the farm's control (its tool or KVM) is there at `t` / in live phase `phase`. */
function controlled(c, t, phase) {
  if (!c) return false;
  if (c.from === 'history') return t >= c.fromMs;
  return phase !== undefined && phase >= c.from;
}

/**
 * The extras (situation.mjs) of `laptop` at `t` in state `state` ({ on, input }); `phase` for a
 * live phase (0 now, 1 later), undefined in the history.
 */
export function extrasAt(laptop, t, state, phase) {
  const x = { ...laptop.installed };
  if (laptop.dev) {
    x.dev = laptop.dev;
    x.working = state.input;
  }
  const c = laptop.control;
  if (controlled(c, t, phase)) {
    if (c.extras.kvm) x.kvm = c.extras.kvm;
    if (c.extras.tool) x.tool = c.extras.tool;
    if (c.extras.anydesk) {
      // The operators connect when their day starts: one AnyDesk session each time.
      const ops = c.extras.anydesk;
      const past = (c.sessions ?? []).filter((ms) => ms <= t).map((ms, i) => ({ ...ops[i % ops.length], atMs: ms }));
      const live = c.from !== 'history' ? ops.map((o, i) => ({ ...o, atMs: c.liveAtMs + i * 60_000 })) : [];
      x.anydesk = [...past, ...live];
    }
    // Driven now: in the history while the remote worker works; in a live phase from the moment it starts.
    x.active = c.from === 'history' ? operatorWorks(c.operator, t) : true;
  }
  if (laptop.tvSessions) x.teamviewer = laptop.tvSessions.filter((s) => s.atMs <= t);
  return x;
}

/**
 * The live phases of a planned laptop: phase 0 where its routine has it at `endMs` (asleep then:
 * at home, or at the farm), with what is on it then; on day one (`dayOne`) where it is first in
 * use, whatever the hour of the run. Phase 1 is what happens later (`later`: a move, a VPN, a
 * session, a farm's control that starts while the collector watches).
 */
export function livePhases(laptop, endMs, dayOne = false) {
  const s = dayOne ? firstUse(laptop, endMs) : nowState(laptop, endMs);
  const here = laptop.places[s.at] ?? laptop.places.home ?? Object.values(laptop.places)[0];
  const first = { ...extrasAt(laptop, endMs, s, 0) };
  const later = laptop.later ?? {};
  const next = { ...extrasAt(laptop, endMs + 60_000, s, 1), ...(later.extras ?? {}) };
  if (later.tvSession) next.teamviewer = [...(first.teamviewer ?? []), later.tvSession];
  const moved = later.at ? laptop.places[later.at] : undefined;
  laptop.now = { at: s.at, input: s.input, idleS: s.idleS };
  return [{ ip: here.ip, place: here.place, extras: first }, { ...(moved ? { ip: moved.ip, place: moved.place } : {}), extras: next }];
}
