import type { SensorSpec } from '../sensor.js';
import { collectRemoteSessions } from './collect.js';
import type { RemoteSessionFact } from './types.js';

export const sessionsSensor: SensorSpec<RemoteSessionFact[]> = {
  name: 'remote_sessions',
  description: 'remote-access session logs (AnyDesk connection_trace.txt / ad.trace, TeamViewer Connections_incoming.txt): peer id, IP, time, unattended',
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'cheap',
  defaultIntervalS: 300,
  collect: collectRemoteSessions,
  count: (facts) => facts.length,
};
