import type { SensorSpec } from '../sensor.js';
import { collectDarwinNetworkState } from './darwin.js';
import { collectLinuxNetworkState } from './linux.js';
import { collectWindowsNetworkState } from './windows.js';
import type { NetworkStateFact } from './types.js';

export const networkStateSensor: SensorSpec<NetworkStateFact> = {
  name: 'network_state',
  description: 'routes, default gateway and its MAC, ARP neighbours, DNS servers',
  // Linux: /proc/net and /etc (no process); macOS: netstat -rn, arp -an, scutil --dns;
  // Windows: route print, arp -a, ipconfig /all.
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'cheap',
  defaultIntervalS: 60,
  collect: (ctx) => (ctx.platform === 'linux' ? collectLinuxNetworkState(ctx) : ctx.platform === 'darwin' ? collectDarwinNetworkState(ctx) : collectWindowsNetworkState(ctx)),
  count: (f) => f.routes.length + f.neighbours.length,
};
