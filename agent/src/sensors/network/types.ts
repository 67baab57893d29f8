export type InterfaceKindName = 'ethernet' | 'wifi' | 'tunnel' | 'loopback' | 'virtual' | 'cellular' | 'other';

export interface NetworkInterfaceFact {
  name: string;
  kind: InterfaceKindName;
  up: boolean;
  /** Own addresses in CIDR notation. */
  addresses: string[];
  mac?: string;
  mtu?: number;
  /** Why the kind was chosen ("sysfs DEVTYPE=wireguard", "ARPHRD 65534 with tun_flags"). */
  kindReason: string;
  /** Windows adapter description ("Wintun Userspace Tunnel"), where the OS gives one. */
  description?: string;
}
