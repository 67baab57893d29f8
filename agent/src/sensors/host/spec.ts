import type { SensorSpec } from '../sensor.js';
import { collectLinuxHost } from './linux.js';
import { collectHostWithSi } from './systeminformation.js';
import type { HostFact } from './types.js';

export const hostSensor: SensorSpec<HostFact> = {
  name: 'host',
  description: 'identity of this laptop: hashed machine id, hostname, hardware serial, boot, OS, time zone',
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'cheap',
  defaultIntervalS: 3600,
  collect: (ctx) => (ctx.platform === 'linux' ? collectLinuxHost(ctx) : collectHostWithSi(ctx)),
  count: () => 1,
};
