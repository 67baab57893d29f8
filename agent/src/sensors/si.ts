// systeminformation, loaded on first use: only the macOS and Windows sensors call it, so a Linux
// agent never carries it in memory. Nothing from outside is ever passed to it.
import type SystemInformation from 'systeminformation';

let loaded: Promise<typeof SystemInformation> | undefined;

export function systeminformation(): Promise<typeof SystemInformation> {
  loaded ??= import('systeminformation').then((m) => m.default);
  return loaded;
}
