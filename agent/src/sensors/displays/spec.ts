import type { SensorSpec } from '../sensor.js';
import { collectLinuxDisplays } from './linux.js';
import type { DisplayFact } from './types.js';

export const displaysSensor: SensorSpec<DisplayFact[]> = {
  name: 'displays',
  description: 'display connectors with the raw EDID of what is attached',
  // macOS (IODisplayEDID) and Windows (registry) readers are not written yet; see usb/spec.ts.
  platforms: ['linux'],
  cost: 'cheap',
  defaultIntervalS: 60,
  collect: collectLinuxDisplays,
  count: (facts) => facts.filter((d) => d.connected).length,
};
