export interface WifiFact {
  interface: string;
  ssid?: string;
  bssid?: string;
  signalDbm?: number;
  /** Access points seen around (the last scan the OS kept), not joined. */
  visible: { bssid: string; ssid?: string; signalDbm?: number }[];
}
