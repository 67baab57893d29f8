import type { SensorSpec } from '../sensor.js';
import { collectLinuxLocale } from './linux.js';
import type { LocaleFact } from './types.js';

export const localeSensor: SensorSpec<LocaleFact> = {
  name: 'locale',
  description: 'time zone, locales and keyboard layouts (corroboration only)',
  // macOS (HIToolbox input sources) and Windows (keyboard layout Preload keys) readers are not written yet.
  platforms: ['linux'],
  cost: 'cheap',
  defaultIntervalS: 3600,
  collect: collectLinuxLocale,
  count: (f) => f.locales.length + f.keyboardLayouts.length,
};
