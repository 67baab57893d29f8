import type { SensorSpec } from '../sensor.js';
import { collectLinuxInterfaces } from './linux.js';
import { collectInterfacesWithSi } from './systeminformation.js';
import type { NetworkInterfaceFact } from './types.js';

export const networkInterfacesSensor: SensorSpec<NetworkInterfaceFact[]> = {
  name: 'network_interfaces',
  description: 'network interfaces: kind (Wi-Fi, Ethernet, tunnel, ...), state, own addresses',
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'cheap',
  defaultIntervalS: 30,
  collect: (ctx) => (ctx.platform === 'linux' ? collectLinuxInterfaces(ctx) : collectInterfacesWithSi()),
  count: (facts) => facts.length,
};
