// Displays on macOS from the IORegistry: the raw EDID each display presents ("IODisplayEDID" under
// IODisplayConnect on Intel Macs; "EDID" in the DisplayAttributes of AppleCLCD2 on Apple silicon)
// and the lid from "AppleClamshellState". Three fixed ioreg commands, no arguments from outside.
import { runCommand, tryCommand } from '../command.js';
import { ioBool, parseIoreg, walk, type IoregNode } from '../ioreg.js';
import type { SensorContext } from '../sensor.js';
import type { DisplayFact } from './types.js';

export const IOREG_DISPLAY_CONNECT = { file: '/usr/sbin/ioreg', args: ['-l', '-w0', '-r', '-c', 'IODisplayConnect'] } as const;
export const IOREG_CLCD2 = { file: '/usr/sbin/ioreg', args: ['-l', '-w0', '-r', '-c', 'AppleCLCD2'] } as const;
export const IOREG_CLAMSHELL = { file: '/usr/sbin/ioreg', args: ['-r', '-k', 'AppleClamshellState', '-d', '1'] } as const;

const EDID_VALUE = /"(?:IODisplayEDID|EDID)"\s*=\s*<([0-9a-f]{256,})>/gi;

function isInternal(n: IoregNode): boolean {
  for (let p: IoregNode | undefined = n; p; p = p.parent) {
    if (/AppleBacklightDisplay/.test(p.className) || /"?built-?in"?\s*=\s*Yes/i.test([...p.props.entries()].map(([k, v]) => `"${k}" = ${v}`).join('\n'))) return true;
  }
  return false;
}

/** Every EDID in ioreg text (one display per distinct EDID), with the node that holds it. */
export function displaysFromIoreg(text: string): DisplayFact[] {
  const out: DisplayFact[] = [];
  const seen = new Set<string>();
  const nodes = [...walk(parseIoreg(text))];
  const scan = (hex: string, node: IoregNode | undefined): void => {
    const key = hex.toLowerCase();
    if (seen.has(key) || key.length % 256 !== 0) return;
    seen.add(key);
    out.push({ connector: node ? `${node.name}#${out.length + 1}` : `display#${out.length + 1}`, connected: true, internal: node ? isInternal(node) : false, edid: Buffer.from(key, 'hex') });
  };
  if (nodes.length === 0) {
    // `ioreg ... | grep EDID` lines without the tree.
    for (const m of text.matchAll(EDID_VALUE)) scan(m[1] ?? '', undefined);
    return out;
  }
  for (const n of nodes) {
    for (const [k, v] of n.props) {
      if (k === 'IODisplayEDID' || k === 'EDID') { const m = /^<([0-9a-f]+)>$/i.exec(v); if (m?.[1]) scan(m[1], n); continue; }
      for (const m of v.matchAll(EDID_VALUE)) scan(m[1] ?? '', n);
    }
  }
  return out;
}

/** `"AppleClamshellState" = No` -> lid open. */
export function clamshellOpen(text: string): boolean | undefined {
  const v = /"AppleClamshellState"\s*=\s*(Yes|No)/.exec(text)?.[1];
  const closed = ioBool(v);
  return closed === undefined ? undefined : !closed;
}

export async function collectDarwinDisplays(ctx: SensorContext): Promise<DisplayFact[]> {
  const intel = await runCommand(ctx, IOREG_DISPLAY_CONNECT);
  let displays = displaysFromIoreg(intel);
  if (displays.length === 0) displays = displaysFromIoreg((await tryCommand(ctx, IOREG_CLCD2)) ?? '');
  const lid = clamshellOpen((await tryCommand(ctx, IOREG_CLAMSHELL)) ?? '');
  for (const d of displays) if (d.internal && lid !== undefined) d.lidOpen = lid;
  return displays;
}
