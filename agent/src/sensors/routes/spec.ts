import type { SensorSpec } from '../sensor.js';
import { collectLinuxNetworkState } from './linux.js';
import type { NetworkStateFact } from './types.js';

export const networkStateSensor: SensorSpec<NetworkStateFact> = {
  name: 'network_state',
  description: 'routes, default gateway and its MAC, ARP neighbours, DNS servers',
  // macOS (netstat -rn, arp -an, scutil --dns) and Windows (route print, arp -a, ipconfig /all)
  // readers are not written yet: there the sensor says so rather than returning half the facts.
  platforms: ['linux'],
  cost: 'cheap',
  defaultIntervalS: 60,
  collect: collectLinuxNetworkState,
  count: (f) => f.routes.length + f.neighbours.length,
};
