import type { SensorSpec } from '../sensor.js';
import { collectDarwinServices } from './darwin.js';
import { collectLinuxServices } from './linux.js';
import { collectWindowsServices } from './windows.js';
import type { ServiceFact } from './types.js';

export const servicesSensor: SensorSpec<ServiceFact[]> = {
  name: 'services',
  description: 'services and launch daemons: name, definition, enabled, running',
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'cheap',
  defaultIntervalS: 600,
  collect: (ctx) => (ctx.platform === 'linux' ? collectLinuxServices(ctx) : ctx.platform === 'darwin' ? collectDarwinServices(ctx) : collectWindowsServices(ctx)),
  count: (facts) => facts.length,
};
