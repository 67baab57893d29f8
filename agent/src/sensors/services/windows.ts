// Services on Windows from the service control manager: one `sc query type= service state= all`
// (every Win32 service with its display name and state).
import { runCommand } from '../command.js';
import type { SensorContext } from '../sensor.js';
import type { ServiceFact } from './types.js';

export const SC_QUERY = { file: 'sc.exe', args: ['query', 'type=', 'service', 'state=', 'all'] } as const;

export function parseScQuery(text: string): ServiceFact[] {
  const out: ServiceFact[] = [];
  let cur: ServiceFact | undefined;
  for (const line of text.split(/\r?\n/)) {
    const name = /^SERVICE_NAME:\s*(.+?)\s*$/.exec(line);
    if (name?.[1]) { cur = { name: name[1] }; out.push(cur); continue; }
    if (!cur) continue;
    const display = /^DISPLAY_NAME:\s*(.*?)\s*$/.exec(line);
    if (display?.[1]) { cur.displayName = display[1]; continue; }
    const state = /^\s*STATE\s*:\s*\d+\s+(\w+)/.exec(line);
    if (state?.[1]) cur.running = state[1] === 'RUNNING';
  }
  return out;
}

export async function collectWindowsServices(ctx: SensorContext): Promise<ServiceFact[]> {
  return parseScQuery(await runCommand(ctx, SC_QUERY));
}
