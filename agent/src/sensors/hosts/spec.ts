import type { SensorSpec } from '../sensor.js';
import { collectNameConfig } from './collect.js';
import type { NameConfigFact } from './types.js';

export const nameConfigSensor: SensorSpec<NameConfigFact> = {
  name: 'name_config',
  description: 'hosts-file entries and remote-access tools\' own relay settings (RustDesk custom servers)',
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'cheap',
  defaultIntervalS: 600,
  collect: collectNameConfig,
  count: (f) => f.hosts.length + f.relays.length,
};
