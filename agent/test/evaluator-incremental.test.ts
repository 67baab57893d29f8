// The running agent's evaluation after each sensor run: it re-runs only the detectors that read the
// facts that changed, and nothing when a sensor saw what it saw before. What it tells the
// collector must be what a full evaluation of the same facts finds, whatever the order of changes.
import { describe, expect, it } from 'vitest';
import { builtinCatalog, createLogger } from '@farmwatch/shared';
import { EMPTY_POLICY } from '../src/detectors/index.js';
import { detect, protoPlatform, type HostFacts } from '../src/pipeline/scan.js';
import { findingToProto } from '../src/pipeline/to-proto.js';
import { Evaluator } from '../src/runtime/evaluate.js';
import { defaults } from '../src/config/index.js';
import type { Effective } from '../src/runtime/collector-updates.js';
import type { EventBody, Outbox } from '../src/transport/outbox.js';

class RecordingOutbox implements Outbox {
  readonly bodies: EventBody[] = [];
  depth = 0;
  lastAckedSequence = 0;
  hasUnsent = false;
  push(body: EventBody): void { this.bodies.push(body); }
  resume(): void {}
  nextBatch(): never[] { return []; }
  acknowledge(): void {}
}

const catalog = builtinCatalog();
const proc = (pid: number, name: string, path?: string): NonNullable<HostFacts['processes']>[number] => ({ pid, ppid: 1, name, ...(path ? { path, argv0: name } : {}) });
const VARIANTS = {
  processes: [
    [proc(1, 'systemd'), proc(200, 'sshd')],
    [proc(1, 'systemd'), proc(300, 'anydesk', '/usr/bin/anydesk'), proc(301, 'openvpn', '/usr/sbin/openvpn')],
    [proc(1, 'systemd'), proc(400, 'rustdesk', '/usr/bin/rustdesk')],
  ],
  sockets: [
    [],
    [{ protocol: 'tcp', state: 'established', localAddress: '192.168.1.23', localPort: 50000, remoteAddress: '198.51.100.7', remotePort: 21116, pid: 400, process: 'rustdesk' }],
  ],
  interfaces: [
    [{ name: 'wlan0', kind: 'wifi', up: true, addresses: ['192.168.1.23/24'], kindReason: 'sysfs' }],
    [{ name: 'wlan0', kind: 'wifi', up: true, addresses: ['192.168.1.23/24'], kindReason: 'sysfs' }, { name: 'tun0', kind: 'tunnel', up: true, addresses: ['10.8.0.2/24'], kindReason: 'sysfs' }],
  ],
  network: [
    { routes: [{ destination: '0.0.0.0/0', gateway: '192.168.1.1', interface: 'wlan0' }], neighbours: [], dnsServers: ['192.168.1.1'] },
    { routes: [{ destination: '0.0.0.0/1', interface: 'tun0' }, { destination: '128.0.0.0/1', interface: 'tun0' }], neighbours: [], dnsServers: ['10.8.0.1'] },
  ],
  apps: [
    [{ name: 'vim', source: 'dpkg' }],
    [{ name: 'AnyDesk', source: 'dpkg' }, { name: 'Astrill VPN', source: 'opt', path: '/opt/astrill' }],
  ],
} as const satisfies { [K in keyof HostFacts]?: readonly HostFacts[K][] };
type Key = keyof typeof VARIANTS;
const KEYS = Object.keys(VARIANTS) as Key[];

/** The findings the collector holds after these events, as it would store them. */
function held(bodies: readonly EventBody[]): Map<string, unknown> {
  const state = new Map<string, unknown>();
  for (const b of bodies) {
    if ('finding' in b && b.finding) state.set(`${b.finding.detector} ${b.finding.key}`, { ...b.finding, firstSeenMs: 0 });
    if ('findingCleared' in b && b.findingCleared) state.delete(`${b.findingCleared.detector} ${b.findingCleared.key}`);
  }
  return state;
}

function expected(facts: HostFacts): Map<string, unknown> {
  return new Map(detect(facts, catalog, EMPTY_POLICY, protoPlatform('linux')).map((f) => [`${f.detector} ${f.key}`, { ...findingToProto(f, 0) }]));
}

function setup(): { outbox: RecordingOutbox; evaluator: Evaluator; facts: HostFacts } {
  const outbox = new RecordingOutbox();
  const effective = { config: defaults('/nonexistent'), catalog, policy: EMPTY_POLICY, observationKey: undefined, observationKinds: [] } as unknown as Effective;
  const evaluator = new Evaluator(outbox, () => effective, 'linux', createLogger('test', 'silent'));
  const facts: HostFacts = {};
  for (const k of KEYS) (facts as Record<string, unknown>)[k] = VARIANTS[k][0];
  evaluator.ready(facts, [], { cpuPermille: 0, cpuWindowS: 0, rssBytes: 0 });
  return { outbox, evaluator, facts };
}

describe('incremental evaluation in the running agent', () => {
  it('sends nothing about findings when a sensor saw the same facts again', () => {
    const { outbox, evaluator, facts } = setup();
    facts.processes = VARIANTS.processes[1];
    evaluator.changed('processes', facts);
    const after = outbox.bodies.length;
    expect(held(outbox.bodies).size).toBeGreaterThan(0);
    // The same facts, as a new object (a sensor builds new ones every run).
    facts.processes = JSON.parse(JSON.stringify(VARIANTS.processes[1])) as HostFacts['processes'];
    evaluator.changed('processes', facts);
    expect(outbox.bodies.slice(after).filter((b) => 'finding' in b || 'findingCleared' in b || 'inventoryChange' in b)).toEqual([]);
  });

  it('holds what a full evaluation finds, after any sequence of sensor runs', () => {
    const { outbox, evaluator, facts } = setup();
    expect(held(outbox.bodies)).toEqual(expected(facts));
    // A fixed pseudo-random walk over the variants, sensors running in any order, some seeing the same again.
    let seed = 7;
    const next = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    for (let step = 0; step < 60; step++) {
      const key = KEYS[next(KEYS.length)] as Key;
      const variants = VARIANTS[key];
      (facts as Record<string, unknown>)[key] = variants[next(variants.length)];
      if (next(5) === 0) delete facts[key];
      evaluator.changed(key, facts);
      expect(held(outbox.bodies), `after step ${step} (${key})`).toEqual(expected(facts));
    }
  });
});
