// Every sensor the agent has, in the order a scan runs them.
import { hostSensor } from './host/spec.js';
import { processesSensor } from './processes/spec.js';
import { networkInterfacesSensor } from './network/spec.js';
import { usbSensor } from './usb/spec.js';
import { displaysSensor } from './displays/spec.js';

export { hostSensor, processesSensor, networkInterfacesSensor, usbSensor, displaysSensor };
export * from './sensor.js';
export type { HostFact } from './host/types.js';
export type { ProcessFact } from './processes/types.js';
export type { NetworkInterfaceFact } from './network/types.js';
export type { UsbDeviceFact, UsbInterfaceFact } from './usb/types.js';
export type { DisplayFact } from './displays/types.js';
