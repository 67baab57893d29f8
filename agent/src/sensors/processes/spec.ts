import type { SensorSpec } from '../sensor.js';
import { collectLinuxProcesses } from './linux.js';
import { collectProcessesWithSi } from './systeminformation.js';
import type { ProcessFact } from './types.js';

export const processesSensor: SensorSpec<ProcessFact[]> = {
  name: 'processes',
  description: 'running programs: name, path, user, parent, start time (stays on the laptop; only catalog matches leave it)',
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'moderate',
  defaultIntervalS: 60,
  collect: (ctx) => (ctx.platform === 'linux' ? collectLinuxProcesses(ctx) : collectProcessesWithSi()),
  count: (facts) => facts.length,
};
