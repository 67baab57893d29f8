// Wi-Fi on Windows: `netsh wlan show interfaces` (the joined network per interface) and `netsh wlan
// show networks mode=bssid` (the access points of the last scan). Signal is given in percent;
// Windows maps -100..-50 dBm linearly onto 0..100 %, so dBm = percent / 2 - 100.
import { runCommand, tryCommand } from '../command.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import type { WifiFact } from './types.js';

export const NETSH_INTERFACES = { file: 'netsh.exe', args: ['wlan', 'show', 'interfaces'] } as const;
export const NETSH_NETWORKS = { file: 'netsh.exe', args: ['wlan', 'show', 'networks', 'mode=bssid'] } as const;

const dbm = (percent: string | undefined): number | undefined => (percent && /^\d+%$/.test(percent) ? Math.round(Number(percent.slice(0, -1)) / 2 - 100) : undefined);
const mac = (s: string | undefined): string | undefined => (s && /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(s) ? s.toLowerCase().replace(/-/g, ':') : undefined);

export function parseNetshInterfaces(text: string): WifiFact[] {
  const out: WifiFact[] = [];
  let cur: WifiFact | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s+([^:]+?)\s*:\s(.*?)\s*$/.exec(line);
    if (!m) continue;
    const [, key = '', value = ''] = m;
    if (key === 'Name') { cur = { interface: value, visible: [] }; out.push(cur); continue; }
    if (!cur) continue;
    if (key === 'SSID' && value) cur.ssid = value;
    else if (key === 'BSSID' || key === 'AP BSSID') { const b = mac(value); if (b) cur.bssid = b; }
    else if (key === 'Signal') { const d = dbm(value); if (d !== undefined) cur.signalDbm = d; }
  }
  return out;
}

export function parseNetshNetworks(text: string): WifiFact['visible'] {
  const out: WifiFact['visible'] = [];
  let ssid: string | undefined;
  let last: WifiFact['visible'][number] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const s = /^SSID \d+\s*:\s?(.*?)\s*$/.exec(line);
    if (s) { ssid = s[1] || undefined; continue; }
    const b = /^\s+BSSID \d+\s*:\s*(\S+)/.exec(line);
    if (b) { const m = mac(b[1]); last = m ? { bssid: m, ...(ssid ? { ssid } : {}) } : undefined; if (last) out.push(last); continue; }
    const sig = /^\s+(?:Signal|Sinal|Señal|Signal strength)\s*:\s*(\d+%)/.exec(line);
    if (sig && last) { const d = dbm(sig[1]); if (d !== undefined) last.signalDbm = d; }
  }
  return out;
}

export async function collectWindowsWifi(ctx: SensorContext): Promise<WifiFact[]> {
  const text = await runCommand(ctx, NETSH_INTERFACES);
  if (/There is no wireless interface|wlansvc.*is not running/i.test(text)) throw new SensorUnavailable(`no Wi-Fi interface (netsh: ${text.trim().split('\n')[0] ?? ''})`);
  const ifaces = parseNetshInterfaces(text);
  const visible = parseNetshNetworks((await tryCommand(ctx, NETSH_NETWORKS)) ?? '');
  // netsh lists the scan of all interfaces together: it goes with the first (usually only) one.
  if (ifaces[0]) ifaces[0].visible = visible;
  return ifaces;
}
