// Wi-Fi on macOS: one `system_profiler SPAirPortDataType -json` gives the joined network and the
// networks around it per interface. macOS 14+ withholds SSIDs and BSSIDs from processes without
// Location Services ("<redacted>"): those are left out rather than reported as names.
import { runCommand } from '../command.js';
import type { SensorContext } from '../sensor.js';
import type { WifiFact } from './types.js';

export const SP_AIRPORT = { file: '/usr/sbin/system_profiler', args: ['SPAirPortDataType', '-json'], timeoutMs: 30_000 } as const;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' && v !== '<redacted>' ? v : undefined);
const signal = (v: unknown): number | undefined => { const m = typeof v === 'string' ? /(-\d+)\s*dBm/.exec(v) : null; return m?.[1] ? Number(m[1]) : undefined; };
const mac = (v: unknown): string | undefined => { const t = text(v); return t && /^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i.test(t) ? t.split(':').map((o) => o.padStart(2, '0')).join(':').toLowerCase() : undefined; };

export function parseSpAirport(json: string): WifiFact[] {
  let doc: unknown;
  try { doc = JSON.parse(json); } catch { return []; }
  const out: WifiFact[] = [];
  for (const section of arr(obj(doc)?.SPAirPortDataType)) {
    for (const i of arr(obj(section)?.spairport_airport_interfaces)) {
      const iface = obj(i);
      const name = text(iface?._name);
      if (!iface || !name) continue;
      const cur = obj(iface.spairport_current_network_information);
      const fact: WifiFact = { interface: name, visible: [] };
      const ssid = text(cur?._name);
      const bssid = mac(cur?.spairport_network_bssid);
      const dbm = signal(cur?.spairport_signal_noise);
      if (ssid) fact.ssid = ssid;
      if (bssid) fact.bssid = bssid;
      if (dbm !== undefined) fact.signalDbm = dbm;
      for (const n of arr(iface.spairport_airport_other_local_wireless_networks)) {
        const o = obj(n);
        const b = mac(o?.spairport_network_bssid);
        if (!b) continue; // without a BSSID a network says nothing about where the laptop is
        const s = text(o?._name);
        const d = signal(o?.spairport_signal_noise);
        fact.visible.push({ bssid: b, ...(s ? { ssid: s } : {}), ...(d !== undefined ? { signalDbm: d } : {}) });
      }
      out.push(fact);
    }
  }
  return out;
}

export async function collectDarwinWifi(ctx: SensorContext): Promise<WifiFact[]> {
  return parseSpAirport(await runCommand(ctx, SP_AIRPORT));
}
