import type { SensorSpec } from '../sensor.js';
import { collectMdns } from './probe.js';
import type { MdnsAnswerFact } from './types.js';

export const mdnsSensor: SensorSpec<MdnsAnswerFact[]> = {
  name: 'mdns_kvm',
  description: 'hosts on the LAN answering to IP-KVM mDNS names (pikvm.local, tinypilot.local, ...): one multicast query per LAN interface',
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'cheap',
  defaultIntervalS: 900,
  collect: collectMdns,
  count: (facts) => facts.length,
};
