import type { SensorSpec } from '../sensor.js';
import { collectDarwinWifi } from './darwin.js';
import { collectLinuxWifi } from './linux.js';
import { collectWindowsWifi } from './windows.js';
import type { WifiFact } from './types.js';

export const wifiSensor: SensorSpec<WifiFact[]> = {
  name: 'wifi',
  description: 'joined Wi-Fi network (SSID, BSSID) and the access points around (only keyed hashes of BSSIDs leave the laptop)',
  // Linux: iw per wireless interface; macOS: system_profiler SPAirPortDataType; Windows: netsh wlan.
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'cheap',
  defaultIntervalS: 300,
  collect: (ctx) => (ctx.platform === 'linux' ? collectLinuxWifi(ctx) : ctx.platform === 'darwin' ? collectDarwinWifi(ctx) : collectWindowsWifi(ctx)),
  count: (facts) => facts.length,
};
