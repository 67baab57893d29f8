// Parsers for `iw dev <if> link` and `iw dev <if> scan dump` (iw 5/6 output; real recorded output in
// agent/test/fixtures/wifi with its source).

export function parseIwLink(text: string): { bssid?: string; ssid?: string; signalDbm?: number } {
  if (/^Not connected/m.test(text)) return {};
  const bssid = /^Connected to ([0-9a-f:]{17})/im.exec(text)?.[1]?.toLowerCase();
  const ssid = /^\s*SSID: (.*)$/m.exec(text)?.[1];
  const signal = /^\s*signal: (-?\d+) dBm/m.exec(text)?.[1];
  return { ...(bssid ? { bssid } : {}), ...(ssid !== undefined ? { ssid } : {}), ...(signal ? { signalDbm: Number(signal) } : {}) };
}

export function parseIwScan(text: string): { bssid: string; ssid?: string; signalDbm?: number }[] {
  const out: { bssid: string; ssid?: string; signalDbm?: number }[] = [];
  for (const block of text.split(/^BSS /m).slice(1)) {
    const bssid = /^([0-9a-f:]{17})/i.exec(block)?.[1]?.toLowerCase();
    if (!bssid) continue;
    const ssid = /^\s*SSID: (.*)$/m.exec(block)?.[1];
    const signal = /^\s*signal: (-?\d+(\.\d+)?) dBm/m.exec(block)?.[1];
    out.push({ bssid, ...(ssid !== undefined ? { ssid } : {}), ...(signal ? { signalDbm: Math.round(Number(signal)) } : {}) });
  }
  return out;
}
