// Which sensor fills which part of the host facts. The runtime runs each on its own schedule and
// keeps the latest result of each here.
import {
  appsSensor, displaysSensor, hostSensor, localeSensor, networkInterfacesSensor, networkStateSensor, processesSensor,
  servicesSensor, sessionsSensor, socketsSensor, usbSensor, wifiSensor, inputSensor, type SensorSpec,
} from '../sensors/index.js';
import type { HostFacts } from '../pipeline/scan.js';
import { createPacketsSensor, type PacketsSensor } from '../sensors/packets/spec.js';
import type { AgentConfig } from '../config/index.js';
import { windowed } from './packet-window.js';

export interface SensorEntry {
  spec: SensorSpec<unknown>;
  key: keyof HostFacts;
}

export const SENSOR_TABLE: readonly SensorEntry[] = [
  { spec: hostSensor, key: 'host' },
  { spec: processesSensor, key: 'processes' },
  { spec: networkInterfacesSensor, key: 'interfaces' },
  { spec: networkStateSensor, key: 'network' },
  { spec: wifiSensor, key: 'wifi' },
  { spec: socketsSensor, key: 'sockets' },
  { spec: usbSensor, key: 'usb' },
  { spec: displaysSensor, key: 'displays' },
  { spec: servicesSensor, key: 'services' },
  { spec: appsSensor, key: 'apps' },
  { spec: sessionsSensor, key: 'sessions' },
  { spec: localeSensor, key: 'locale' },
  { spec: inputSensor, key: 'input' },
] as SensorEntry[];

/** The sensors of a running agent: the fixed ones and the packets sensor as configured. */
export function sensorTable(config: AgentConfig): { table: SensorEntry[]; packets: PacketsSensor } {
  const packets = createPacketsSensor({ enabled: config.packet_capture, ...(config.packet_capture_interface ? { device: config.packet_capture_interface } : {}) });
  return { table: [...SENSOR_TABLE, { spec: windowed(packets), key: 'packets' }], packets };
}

/** The facts that make up each inventory kind, for the inventory differ. */
export const INVENTORY_FACTS: Partial<Record<keyof HostFacts, 'usb' | 'display' | 'interface'>> = {
  usb: 'usb', displays: 'display', interfaces: 'interface',
};
