// Every sensor the agent has; registry.ts declares how each is used (SENSORS).
import { hostSensor } from './host/spec.js';
import { processesSensor } from './processes/spec.js';
import { networkInterfacesSensor } from './network/spec.js';
import { networkStateSensor } from './routes/spec.js';
import { wifiSensor } from './wifi/spec.js';
import { socketsSensor } from './sockets/spec.js';
import { usbSensor } from './usb/spec.js';
import { displaysSensor } from './displays/spec.js';
import { servicesSensor } from './services/spec.js';
import { appsSensor } from './apps/spec.js';
import { sessionsSensor } from './sessions/spec.js';
import { localeSensor } from './locale/spec.js';
import { mdnsSensor } from './mdns/spec.js';
import { nameConfigSensor } from './hosts/spec.js';
import { inputSensor } from './input/spec.js';

export {
  hostSensor, processesSensor, networkInterfacesSensor, networkStateSensor, wifiSensor, socketsSensor, usbSensor, displaysSensor,
  servicesSensor, appsSensor, sessionsSensor, localeSensor, mdnsSensor, nameConfigSensor, inputSensor,
};
export * from './sensor.js';
export * from './registry.js';
export type { HostFact } from './host/types.js';
export type { ProcessFact } from './processes/types.js';
export type { NetworkInterfaceFact } from './network/types.js';
export type { NetworkStateFact, RouteFact, NeighbourFact } from './routes/types.js';
export type { WifiFact } from './wifi/types.js';
export type { SocketFact } from './sockets/types.js';
export type { UsbDeviceFact, UsbInterfaceFact, HidSummary } from './usb/types.js';
export type { DisplayFact } from './displays/types.js';
export type { ServiceFact } from './services/types.js';
export type { AppFact } from './apps/types.js';
export type { RemoteSessionFact } from './sessions/types.js';
export type { LocaleFact } from './locale/types.js';
export type { MdnsAnswerFact } from './mdns/types.js';
export type { NameConfigFact, HostsEntry, RelaySetting } from './hosts/types.js';
export type { InputIdleFact } from './input/types.js';
