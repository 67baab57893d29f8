// Windows: whether a HID mouse reports absolute X/Y (what IP-KVMs emulate, 0..32767) or relative
// X/Y (a mouse, a receiver). The PnP ids name a collection "mouse" either way and Windows hands out
// no report descriptor, but any process may open a HID collection with no access rights and ask
// hid.dll for its parsed capabilities (HidD_GetPreparsedData, HidP_GetCaps, HidP_GetValueCaps:
// IsAbsolute and LogicalMax of each value). Windows PowerShell (in every Windows 10 and 11) does
// that through Add-Type; the script is a constant, passed as one argument to execFile (no shell,
// nothing from the host on the command line). It prints one line per HID collection:
//   <device instance id> TAB <usage page, hex> TAB <usage, hex> TAB abs|rel|- TAB <largest absolute X/Y logical max>
// It is started only when a USB device has a keyboard and a mouse collection whose mode is not
// known yet, and its answers are kept per device instance id (they do not change while the device
// stays plugged in), so a laptop with a receiver runs it once per plug, not once a minute.
import { tryCommand, type CommandSpec } from '../command.js';
import type { SensorContext } from '../sensor.js';

// C# 5 (the compiler of .NET Framework 4, which Add-Type uses), without single quotes, comments or
// newlines so it fits a single-quoted PowerShell string on one command line. HIDP_CAPS and
// HIDP_VALUE_CAPS are read by byte offset (hidpi.h: UsagePage at 0, IsRange 12, IsAbsolute 15,
// LogicalMax 44, Usage or UsageMin 56, UsageMax 58; 72 bytes each; NumberInputValueCaps at 48 of
// HIDP_CAPS) so that no struct layout can be declared wrong.
const CSHARP = [
  'using System; using System.Collections.Generic; using System.Runtime.InteropServices; using System.Text;',
  'public static class FarmwatchHidCaps {',
  '[StructLayout(LayoutKind.Sequential)] struct IfData { public int cbSize; public Guid ClassGuid; public int Flags; public IntPtr Reserved; }',
  '[StructLayout(LayoutKind.Sequential)] struct DevData { public int cbSize; public Guid ClassGuid; public int DevInst; public IntPtr Reserved; }',
  '[DllImport("hid.dll")] static extern void HidD_GetHidGuid(out Guid g);',
  '[DllImport("hid.dll")] static extern bool HidD_GetPreparsedData(IntPtr h, out IntPtr p);',
  '[DllImport("hid.dll")] static extern bool HidD_FreePreparsedData(IntPtr p);',
  '[DllImport("hid.dll")] static extern int HidP_GetCaps(IntPtr p, IntPtr caps);',
  '[DllImport("hid.dll")] static extern int HidP_GetValueCaps(int type, IntPtr caps, ref ushort len, IntPtr p);',
  '[DllImport("setupapi.dll", CharSet = CharSet.Unicode)] static extern IntPtr SetupDiGetClassDevsW(ref Guid g, IntPtr e, IntPtr w, int flags);',
  '[DllImport("setupapi.dll")] static extern bool SetupDiEnumDeviceInterfaces(IntPtr set, IntPtr dev, ref Guid g, int i, ref IfData d);',
  '[DllImport("setupapi.dll", CharSet = CharSet.Unicode)] static extern bool SetupDiGetDeviceInterfaceDetailW(IntPtr set, ref IfData d, IntPtr detail, int size, out int need, ref DevData dev);',
  '[DllImport("setupapi.dll", CharSet = CharSet.Unicode)] static extern bool SetupDiGetDeviceInstanceIdW(IntPtr set, ref DevData dev, StringBuilder id, int size, out int need);',
  '[DllImport("setupapi.dll")] static extern bool SetupDiDestroyDeviceInfoList(IntPtr set);',
  '[DllImport("kernel32.dll", CharSet = CharSet.Unicode)] static extern IntPtr CreateFileW(string path, int access, int share, IntPtr sa, int disp, int flags, IntPtr tmpl);',
  '[DllImport("kernel32.dll")] static extern bool CloseHandle(IntPtr h);',
  'public static string[] Run() {',
  ' List<string> lines = new List<string>(); Guid g; HidD_GetHidGuid(out g);',
  ' IntPtr set = SetupDiGetClassDevsW(ref g, IntPtr.Zero, IntPtr.Zero, 0x12);',
  ' if (set == new IntPtr(-1)) return lines.ToArray();',
  ' try { for (int i = 0; i < 1024; i++) {',
  '  IfData d = new IfData(); d.cbSize = Marshal.SizeOf(typeof(IfData));',
  '  if (!SetupDiEnumDeviceInterfaces(set, IntPtr.Zero, ref g, i, ref d)) break;',
  '  DevData dev = new DevData(); dev.cbSize = Marshal.SizeOf(typeof(DevData)); int need = 0;',
  '  SetupDiGetDeviceInterfaceDetailW(set, ref d, IntPtr.Zero, 0, out need, ref dev);',
  '  if (need <= 0) continue;',
  '  IntPtr detail = Marshal.AllocHGlobal(need);',
  '  try {',
  '   Marshal.WriteInt32(detail, IntPtr.Size == 8 ? 8 : 6);',
  '   if (!SetupDiGetDeviceInterfaceDetailW(set, ref d, detail, need, out need, ref dev)) continue;',
  '   string path = Marshal.PtrToStringUni(new IntPtr(detail.ToInt64() + 4));',
  '   StringBuilder id = new StringBuilder(1024);',
  '   if (!SetupDiGetDeviceInstanceIdW(set, ref dev, id, id.Capacity, out need)) continue;',
  '   string line = Describe(path);',
  '   if (line != null) lines.Add(id.ToString() + "\\t" + line);',
  '  } finally { Marshal.FreeHGlobal(detail); }',
  ' } } finally { SetupDiDestroyDeviceInfoList(set); }',
  ' return lines.ToArray();',
  '}',
  'static string Describe(string path) {',
  ' IntPtr h = CreateFileW(path, 0, 3, IntPtr.Zero, 3, 0, IntPtr.Zero);',
  ' if (h == new IntPtr(-1)) return null;',
  ' IntPtr p = IntPtr.Zero; IntPtr caps = Marshal.AllocHGlobal(64); IntPtr vals = IntPtr.Zero;',
  ' try {',
  '  if (!HidD_GetPreparsedData(h, out p)) return null;',
  '  if (HidP_GetCaps(p, caps) != 0x110000) return null;',
  '  int usage = (ushort)Marshal.ReadInt16(caps, 0); int page = (ushort)Marshal.ReadInt16(caps, 2);',
  '  ushort n = (ushort)Marshal.ReadInt16(caps, 48); string mode = "-"; long max = 0;',
  '  if (n > 0) {',
  '   vals = Marshal.AllocHGlobal(72 * n);',
  '   if (HidP_GetValueCaps(0, vals, ref n, p) == 0x110000) { for (int k = 0; k < n; k++) {',
  '    int o = 72 * k;',
  '    if ((ushort)Marshal.ReadInt16(vals, o) != 1) continue;',
  '    bool range = Marshal.ReadByte(vals, o + 12) != 0;',
  '    int lo = (ushort)Marshal.ReadInt16(vals, o + 56); int hi = range ? (ushort)Marshal.ReadInt16(vals, o + 58) : lo;',
  '    if (hi < 0x30 || lo > 0x31) continue;',
  '    if (Marshal.ReadByte(vals, o + 15) != 0) { mode = "abs"; max = Math.Max(max, Marshal.ReadInt32(vals, o + 44)); }',
  '    else if (mode == "-") mode = "rel";',
  '   } }',
  '  }',
  '  return page.ToString("X4") + "\\t" + usage.ToString("X4") + "\\t" + mode + "\\t" + max.ToString();',
  ' } finally {',
  '  if (vals != IntPtr.Zero) Marshal.FreeHGlobal(vals);',
  '  Marshal.FreeHGlobal(caps);',
  '  if (p != IntPtr.Zero) HidD_FreePreparsedData(p);',
  '  CloseHandle(h);',
  ' }',
  '}',
  '}',
].join(' ');

/** The C# the probe compiles (exported for a compile check where a C# compiler is at hand). */
export const HID_CAPS_CSHARP = CSHARP;

export const HID_CAPS_PROBE: CommandSpec = {
  file: 'powershell.exe',
  args: ['-NoProfile', '-NonInteractive', '-Command', `$ErrorActionPreference = 'Stop'; Add-Type -TypeDefinition '${CSHARP}'; [FarmwatchHidCaps]::Run()`],
  timeoutMs: 30_000,
};

export interface PointerMode { pointer: 'absolute' | 'relative'; axisMax?: number }

/** The probe's lines: instance id (upper case) to the pointer mode of that collection, where it has X/Y. */
export function parseHidCaps(text: string): Map<string, PointerMode> {
  const out = new Map<string, PointerMode>();
  for (const line of text.split(/\r?\n/)) {
    const [id, page, usage, mode, max] = line.trim().split('\t');
    if (!id || !/^[0-9A-F]{4}$/i.test(page ?? '') || !/^[0-9A-F]{4}$/i.test(usage ?? '')) continue;
    if (mode === 'abs') {
      const axisMax = Number(max);
      out.set(id.toUpperCase(), { pointer: 'absolute', ...(Number.isInteger(axisMax) && axisMax > 0 ? { axisMax } : {}) });
    } else if (mode === 'rel') {
      out.set(id.toUpperCase(), { pointer: 'relative' });
    }
  }
  return out;
}

/** Probe answers by instance id, per command runner (the real one in the agent, a recording in a test). */
interface ProbeCache { modes: Map<string, PointerMode | null>; failedFor?: string; failedAtMs?: number }
const caches = new WeakMap<object, ProbeCache>();
const LIVE = {};
/** After a failed probe (PowerShell blocked, Add-Type not allowed) the same devices are not asked again for this long. */
const RETRY_AFTER_FAILURE_MS = 60 * 60 * 1000;

/**
 * The pointer modes of these HID collections (instance ids), asking Windows only for ids it has
 * not answered yet. Ids the probe did not describe as pointers map to nothing.
 */
export async function pointerModes(ctx: SensorContext, instanceIds: readonly string[], nowMs = Date.now()): Promise<Map<string, PointerMode>> {
  const key: object = ctx.run ?? LIVE;
  let cache = caches.get(key);
  if (!cache) { cache = { modes: new Map() }; caches.set(key, cache); }
  const wanted = [...new Set(instanceIds.map((i) => i.toUpperCase()))].sort();
  const missing = wanted.filter((id) => !cache.modes.has(id));
  if (missing.length > 0) {
    const signature = missing.join('|');
    const recentlyFailed = cache.failedFor === signature && nowMs - (cache.failedAtMs ?? 0) < RETRY_AFTER_FAILURE_MS;
    if (!recentlyFailed) {
      const text = await tryCommand(ctx, HID_CAPS_PROBE);
      const found = text === undefined ? undefined : parseHidCaps(text);
      if (!found || found.size === 0) {
        cache.failedFor = signature;
        cache.failedAtMs = nowMs;
      } else {
        for (const [id, mode] of found) cache.modes.set(id, mode);
        for (const id of missing) if (!cache.modes.has(id)) cache.modes.set(id, null);
      }
    }
  }
  const out = new Map<string, PointerMode>();
  for (const id of wanted) {
    const mode = cache.modes.get(id);
    if (mode) out.set(id, mode);
  }
  return out;
}

