// Input idle time on macOS: IOHIDSystem's "HIDIdleTime" property, the nanoseconds since the last
// HID event (key, pointer, scroll) from any keyboard or mouse, which is what macOS itself uses for
// display and system sleep. One fixed `ioreg` process; the value is system-wide, so one session.
import { runCommand } from '../command.js';
import type { SensorContext } from '../sensor.js';
import type { InputIdleFact } from './types.js';

export const IOREG_HID_IDLE = { file: '/usr/sbin/ioreg', args: ['-c', 'IOHIDSystem', '-d', '4', '-r', '-k', 'HIDIdleTime'] } as const;

const NS_PER_MS = 1_000_000n;

/**
 * Milliseconds since the last HID input, from ioreg's `"HIDIdleTime" = <ns>` lines (with or
 * without the tree's "| |" prefix); the smallest when several IOHIDSystem objects print one.
 * Read as a bigint: nanoseconds pass 2^53 after about 104 days.
 */
export function parseHidIdleTime(text: string): number | undefined {
  let min: bigint | undefined;
  for (const m of text.matchAll(/"HIDIdleTime"\s*=\s*(\d+)\s*$/gm)) {
    const ns = BigInt(m[1] ?? '0');
    if (min === undefined || ns < min) min = ns;
  }
  return min === undefined ? undefined : Number(min / NS_PER_MS);
}

export async function collectDarwinInputIdle(ctx: SensorContext): Promise<InputIdleFact> {
  const idleMs = parseHidIdleTime(await runCommand(ctx, IOREG_HID_IDLE));
  if (idleMs === undefined) throw new Error('ioreg printed no HIDIdleTime for IOHIDSystem');
  return { idleMs, source: 'HIDIdleTime', sessions: 1 };
}
