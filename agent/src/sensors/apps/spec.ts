import type { SensorSpec } from '../sensor.js';
import { collectDarwinApps } from './darwin.js';
import { collectLinuxApps } from './linux.js';
import { collectWindowsApps } from './windows.js';
import type { AppFact } from './types.js';

export const appsSensor: SensorSpec<AppFact[]> = {
  name: 'installed_apps',
  description: 'installed applications and packages (stay on the laptop; only catalog matches leave it)',
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'moderate',
  defaultIntervalS: 3600,
  collect: (ctx) => (ctx.platform === 'linux' ? collectLinuxApps(ctx) : ctx.platform === 'darwin' ? collectDarwinApps(ctx) : collectWindowsApps(ctx)),
  count: (facts) => facts.length,
};
