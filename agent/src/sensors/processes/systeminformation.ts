// Processes on macOS and Windows through systeminformation (ps / PowerShell underneath). Nothing
// from outside goes into it: it is called without arguments.
import { systeminformation } from '../si.js';
import { SensorUnavailable } from '../sensor.js';
import type { ProcessFact } from './types.js';

export async function collectProcessesWithSi(): Promise<ProcessFact[]> {
  const si = await systeminformation();
  const data = await si.processes();
  if (data.list.length === 0) throw new SensorUnavailable('systeminformation returned no processes (ps or PowerShell unavailable?)');
  return data.list.map((p) => {
    const fact: ProcessFact = { pid: p.pid, ppid: p.parentPid, name: p.name };
    if (p.path) fact.path = p.path.endsWith(p.name) ? p.path : `${p.path.replace(/[\\/]$/, '')}${p.path.includes('\\') ? '\\' : '/'}${p.name}`;
    if (p.user) fact.user = p.user;
    const started = Date.parse(p.started);
    if (!Number.isNaN(started)) fact.startedAtMs = started;
    return fact;
  });
}
