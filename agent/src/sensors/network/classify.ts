// Naming the kind of a network interface from what the OS says about it. Tunnel kinds matter most:
// a VPN shows up as tun/tap/wg/ppp/utun/Wintun (see reference/vpn-clients.json).
import type { InterfaceKindName } from './types.js';

// ARPHRD_* link types from linux/if_arp.h.
const ARPHRD = { ETHER: 1, PPP: 512, TUNNEL: 768, TUNNEL6: 769, SIT: 776, IPGRE: 778, LOOPBACK: 772, NONE: 65534, IEEE80211: 801 } as const;

export interface LinuxLinkFacts {
  name: string;
  arphrd?: number;
  devtype?: string;       // DEVTYPE= from uevent: wlan, bridge, wireguard, vlan, bond, ...
  hasWireless: boolean;   // /sys/class/net/<if>/wireless or phy80211
  hasTunFlags: boolean;   // tun/tap devices expose tun_flags
  isVirtual: boolean;     // lives under /sys/devices/virtual
}

export function classifyLinuxLink(l: LinuxLinkFacts): { kind: InterfaceKindName; reason: string } {
  if (l.arphrd === ARPHRD.LOOPBACK) return { kind: 'loopback', reason: 'ARPHRD_LOOPBACK' };
  if (l.devtype === 'wireguard') return { kind: 'tunnel', reason: 'DEVTYPE=wireguard' };
  if (l.hasTunFlags) return { kind: 'tunnel', reason: 'tun/tap device (tun_flags)' };
  if (l.arphrd === ARPHRD.NONE) return { kind: 'tunnel', reason: 'ARPHRD_NONE (point-to-point tunnel)' };
  if (l.arphrd === ARPHRD.PPP) return { kind: 'tunnel', reason: 'ARPHRD_PPP' };
  if (l.arphrd === ARPHRD.TUNNEL || l.arphrd === ARPHRD.TUNNEL6 || l.arphrd === ARPHRD.SIT || l.arphrd === ARPHRD.IPGRE) {
    return { kind: 'tunnel', reason: `ARPHRD ${l.arphrd} (IP tunnel)` };
  }
  if (l.hasWireless || l.devtype === 'wlan' || l.arphrd === ARPHRD.IEEE80211) return { kind: 'wifi', reason: 'wireless extensions' };
  if (l.devtype === 'wwan') return { kind: 'cellular', reason: 'DEVTYPE=wwan' };
  if (l.isVirtual || l.devtype === 'bridge' || l.devtype === 'vlan' || l.devtype === 'bond') {
    return { kind: 'virtual', reason: l.devtype ? `DEVTYPE=${l.devtype}` : 'no hardware device' };
  }
  if (l.arphrd === ARPHRD.ETHER) return { kind: 'ethernet', reason: 'ARPHRD_ETHER on a hardware device' };
  return { kind: 'other', reason: `ARPHRD ${String(l.arphrd)}` };
}

const TUNNEL_NAME = /^(tun|tap|wg|ppp|utun|ipsec|gpd|tailscale|zt|nordlynx|nordtun|proton|wgpia)/i;

/** macOS and Windows: kind from the interface name and systeminformation's type. */
export function classifyByName(name: string, type: string, virtual: boolean): { kind: InterfaceKindName; reason: string } {
  if (/^lo\d*$|loopback/i.test(name)) return { kind: 'loopback', reason: 'loopback name' };
  // ZeroTier on macOS carries its traffic over feth (fake Ethernet) pairs, not utun.
  if (/^feth\d+$/.test(name)) return { kind: 'tunnel', reason: `feth pair "${name}" (ZeroTier's macOS tap)` };
  if (TUNNEL_NAME.test(name) || /wintun|tap-windows|wireguard|openvpn/i.test(name)) return { kind: 'tunnel', reason: `tunnel name "${name}"` };
  if (type === 'wireless') return { kind: 'wifi', reason: 'wireless' };
  if (virtual) return { kind: 'virtual', reason: 'virtual adapter' };
  if (type === 'wired') return { kind: 'ethernet', reason: 'wired' };
  return { kind: 'other', reason: `type "${type}"` };
}
