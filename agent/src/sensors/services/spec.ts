import type { SensorSpec } from '../sensor.js';
import { collectLinuxServices } from './linux.js';
import type { ServiceFact } from './types.js';

export const servicesSensor: SensorSpec<ServiceFact[]> = {
  name: 'services',
  description: 'services and launch daemons: name, definition, enabled',
  // macOS (launchd plists) and Windows (service control manager) readers are not written yet.
  platforms: ['linux'],
  cost: 'cheap',
  defaultIntervalS: 600,
  collect: collectLinuxServices,
  count: (facts) => facts.length,
};
