import type { SensorSpec } from '../sensor.js';
import { collectLinuxSockets } from './linux.js';
import { collectSocketsWithSi } from './systeminformation.js';
import type { SocketFact } from './types.js';

export const socketsSensor: SensorSpec<SocketFact[]> = {
  name: 'sockets',
  description: 'listening sockets and established connections with their owning process (stay on the laptop; only catalog matches leave it)',
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'moderate',
  defaultIntervalS: 60,
  collect: (ctx) => (ctx.platform === 'linux' ? collectLinuxSockets(ctx) : collectSocketsWithSi()),
  count: (facts) => facts.length,
};
