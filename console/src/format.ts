// How times, sizes and distances read in the console.
export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (!ms) return '—';
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** 2026-11-27 21:04 UTC */
export function when(ms: number | null | undefined): string {
  if (!ms) return '—';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** 2026-11-27 21:04:09 UTC, for timelines where minutes are not enough. */
export function whenExact(ms: number | null | undefined): string {
  if (!ms) return '—';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function duration(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 60) return `${m} min`;
  if (m < 48 * 60) return `${Math.round(m / 60)} h`;
  return `${Math.round(m / 1440)} days`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(0)} KiB`;
  return `${(n / 1048576).toFixed(0)} MiB`;
}

export const km = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : `${n.toLocaleString('en-US')} km`);

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** Short names for graph labels. */
export const KIND_SHORT: Record<string, string> = {
  public_ip: 'home IP', wifi_bssid: 'Wi-Fi', gateway_mac: 'gateway', lan_neighbour: 'LAN device', lan_neighbour_laptop: 'LAN laptop',
  kvm_identity: 'KVM', remote_peer_id: 'peer id', remote_peer_ip: 'peer IP',
};

export const KIND_NAMES: Record<string, string> = {
  public_ip: 'Public IP', wifi_bssid: 'Wi-Fi access point', gateway_mac: 'Gateway', lan_neighbour: 'LAN neighbour',
  lan_neighbour_laptop: 'Laptop on the LAN', kvm_identity: 'KVM identity', remote_peer_id: 'Remote-access peer id', remote_peer_ip: 'Remote-access peer IP',
};
