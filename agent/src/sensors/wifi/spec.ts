import type { SensorSpec } from '../sensor.js';
import { collectLinuxWifi } from './linux.js';
import type { WifiFact } from './types.js';

export const wifiSensor: SensorSpec<WifiFact[]> = {
  name: 'wifi',
  description: 'joined Wi-Fi network (SSID, BSSID) and the access points around (only keyed hashes of BSSIDs leave the laptop)',
  // macOS (system_profiler SPAirPortDataType) and Windows (netsh wlan) readers are not written yet.
  platforms: ['linux'],
  cost: 'cheap',
  defaultIntervalS: 300,
  collect: collectLinuxWifi,
  count: (facts) => facts.length,
};
