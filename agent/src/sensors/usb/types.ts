export interface UsbInterfaceFact {
  number: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  driver?: string;
  /** Raw HID report descriptor, where the OS lets us read it (root on Linux). */
  hidReportDescriptor?: Buffer;
}

export interface UsbDeviceFact {
  vendorId: number;
  productId: number;
  manufacturer?: string;
  product?: string;
  serial?: string;
  deviceClass: number;
  deviceSubclass: number;
  deviceProtocol: number;
  bcdDevice?: number;
  bcdUsb?: number;
  speedMbps?: number;
  removable?: boolean;
  /** Where it sits on the bus: "1-2.3" on Linux. */
  portPath: string;
  /** A host controller's own root hub (Linux Foundation 1d6b:0001..0003): not a device anyone plugged in. */
  rootHub: boolean;
  interfaces: UsbInterfaceFact[];
}
