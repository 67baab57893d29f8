import type { SensorSpec } from '../sensor.js';
import { collectDarwinDisplays } from './darwin.js';
import { collectLinuxDisplays } from './linux.js';
import { collectWindowsDisplays } from './windows.js';
import type { DisplayFact } from './types.js';

export const displaysSensor: SensorSpec<DisplayFact[]> = {
  name: 'displays',
  description: 'display connectors with the raw EDID of what is attached',
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'cheap',
  defaultIntervalS: 60,
  collect: (ctx) => (ctx.platform === 'linux' ? collectLinuxDisplays(ctx) : ctx.platform === 'darwin' ? collectDarwinDisplays(ctx) : collectWindowsDisplays(ctx)),
  count: (facts) => facts.filter((d) => d.connected).length,
};
