import type { SensorSpec } from '../sensor.js';
import { collectLinuxApps } from './linux.js';
import type { AppFact } from './types.js';

export const appsSensor: SensorSpec<AppFact[]> = {
  name: 'installed_apps',
  description: 'installed applications and packages (stay on the laptop; only catalog matches leave it)',
  // macOS (/Applications bundles) and Windows (Uninstall registry keys) readers are not written yet.
  platforms: ['linux'],
  cost: 'moderate',
  defaultIntervalS: 3600,
  collect: collectLinuxApps,
  count: (facts) => facts.length,
};
