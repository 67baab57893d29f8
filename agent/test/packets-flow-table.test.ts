// The flow table's bounds, on real packets replayed from the captures: a full table evicts the
// least recently seen flow, idle flows leave on time, and every flow comes out exactly once.
import { describe, expect, it } from 'vitest';
import { packetsOf } from './packets-helpers.js';
import { FlowTable, type FlowSummary } from '../src/packets/flows/flow-table.js';
import { CatalogDomains } from '../src/packets/classify/domains.js';
import { inspectPacket, labelOf, MAX_INSPECTED_PACKETS, newClassifierState } from '../src/packets/classify/classifier.js';

const ctx = { domains: new CatalogDomains([]) };


describe('flow table', () => {
  it('keeps at most maxFlows, evicting the least recently seen, and loses no flow', () => {
    const ended: FlowSummary[] = [];
    const table = new FlowTable({ ctx, maxFlows: 2, onFlowEnd: (f) => ended.push(f) });
    for (const p of packetsOf('dns.pcap')) {
      table.add(p);
      expect(table.size).toBeLessThanOrEqual(2);
    }
    table.flush();
    expect(ended).toHaveLength(4);
    expect(table.stats.evictedCapacity).toBe(2);
    expect(ended.filter((f) => f.ended === 'capacity')).toHaveLength(2);
    expect(ended.every((f) => f.label.protocol === 'dns')).toBe(true);
  });

  it('evicts idle flows as capture time passes', () => {
    const ended: FlowSummary[] = [];
    const table = new FlowTable({ ctx, udpIdleMs: 1, tcpIdleMs: 1, closedIdleMs: 1, onFlowEnd: (f) => ended.push(f) });
    const packets = packetsOf('tls-sni.pcap');
    for (const p of packets) table.add(p);
    table.sweep((packets.at(-1)?.tsMs ?? 0) + 10);
    expect(table.size).toBe(0);
    expect(ended).toHaveLength(4);
    expect(new Set(ended.map((f) => f.ended))).toEqual(new Set(['closed']));
  });

  it('counts every packet of a flow', () => {
    const ended: FlowSummary[] = [];
    const table = new FlowTable({ ctx, onFlowEnd: (f) => ended.push(f) });
    const packets = packetsOf('web-http.pcapng');
    for (const p of packets) table.add(p);
    table.flush();
    const [f] = ended;
    expect((f?.packets.toServer ?? 0) + (f?.packets.toClient ?? 0)).toBe(packets.length);
    expect(f?.label.protocol).toBe('http');
  });

  it('stops inspecting a flow after its first packets with payload, and then it stays unknown', () => {
    // The body of the download: random bytes, which match no signature.
    const body = packetsOf('web-http.pcapng').filter((p) => p.srcPort === 80 && p.payloadLength > 1000);
    expect(body.length).toBeGreaterThan(MAX_INSPECTED_PACKETS);
    const state = newClassifierState();
    const more = body.map((p, index) => inspectPacket(state, { proto: 6, dir: 'c2s', clientPort: 50000, serverPort: 8443, payload: p.payload, payloadLength: p.payloadLength, index }, ctx));
    expect(more.filter(Boolean)).toHaveLength(MAX_INSPECTED_PACKETS - 1);
    expect(state.inspected).toBe(MAX_INSPECTED_PACKETS);
    expect(labelOf(state, { proto: 6, serverPort: 8443, serverIp: '203.0.113.7' }, ctx)).toMatchObject({
      protocol: 'unknown', kind: 'unknown', confidence: 0, features: [`no signature matched in ${MAX_INSPECTED_PACKETS} packet(s) with payload`],
    });
  });

  it('tells client from server by the SYN, even when the capture starts at the SYN+ACK', () => {
    const ended: FlowSummary[] = [];
    const table = new FlowTable({ ctx, onFlowEnd: (f) => ended.push(f) });
    for (const p of packetsOf('rdp.pcap').slice(1)) table.add(p);
    table.flush();
    expect(ended[0]?.server).toEqual({ ip: '203.0.113.7', port: 3389 });
    expect(ended[0]?.label.protocol).toBe('rdp');
  });
});
