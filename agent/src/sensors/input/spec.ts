import type { SensorSpec } from '../sensor.js';
import { collectDarwinInputIdle } from './darwin.js';
import { collectLinuxInputIdle } from './linux.js';
import { collectWindowsInputIdle } from './windows.js';
import type { InputIdleFact } from './types.js';

// How long since the last keyboard or mouse input: the collector tells the hours a laptop is in
// use from the hours it is merely on (a farmed laptop is on all day and touched only when its
// facilitator or the remote worker drives it).
export const inputSensor: SensorSpec<InputIdleFact> = {
  name: 'input_idle',
  description: 'time since the last keyboard or mouse input in a user session (in use vs merely on)',
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'cheap',
  defaultIntervalS: 60,
  collect: (ctx) => (ctx.platform === 'linux' ? collectLinuxInputIdle(ctx) : ctx.platform === 'darwin' ? collectDarwinInputIdle(ctx) : collectWindowsInputIdle(ctx)),
  count: (f) => f.sessions,
};
