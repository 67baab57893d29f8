import type { SensorSpec } from '../sensor.js';
import { collectDarwinLocale } from './darwin.js';
import { collectLinuxLocale } from './linux.js';
import { collectWindowsLocale } from './windows.js';
import type { LocaleFact } from './types.js';

export const localeSensor: SensorSpec<LocaleFact> = {
  name: 'locale',
  description: 'time zone, locales and keyboard layouts / input sources (corroboration only)',
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'cheap',
  defaultIntervalS: 3600,
  collect: (ctx) => (ctx.platform === 'linux' ? collectLinuxLocale(ctx) : ctx.platform === 'darwin' ? collectDarwinLocale(ctx) : collectWindowsLocale(ctx)),
  count: (f) => f.locales.length + f.keyboardLayouts.length,
};
