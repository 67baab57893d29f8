/** What a HID report descriptor says an interface can do (see hid-descriptor.ts). */
export interface HidSummary {
  keyboard: boolean;
  relativePointer: boolean;
  /** Absolute X/Y under the Generic Desktop page (mouse/pointer): what KVMs emulate. */
  absolutePointer: boolean;
  absoluteMaxX: number;
  absoluteMaxY: number;
  /** Digitizer page (pen, touch screen, drawing tablet). */
  digitizer: boolean;
  consumerControl: boolean;
}

/**
 * One top-level HID collection as the OS names it where it hands out no report descriptor
 * (Windows: the HID_DEVICE_UP:pppp_U:uuuu id of each HID child), with the pointer's mode where the
 * OS's parsed descriptor was read (HidP value caps on Windows).
 */
export interface HidCollectionFact {
  usagePage: number;
  usage: number;
  /** Generic Desktop pointer or mouse collections only: X/Y absolute or relative, when known. */
  pointer?: 'absolute' | 'relative';
  /** Largest logical maximum of the absolute X/Y. */
  axisMax?: number;
}

export interface UsbInterfaceFact {
  number: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  driver?: string;
  /** Raw HID report descriptor, where the OS lets us read it (root on Linux). */
  hidReportDescriptor?: Buffer;
  /** Decoded from the report descriptor, or given by a source that already decoded it. */
  hid?: HidSummary;
  /** Kind of HID device a source names without the descriptor ("Keyboard", "Mouse" in dmesg). */
  hidKind?: string;
  /** Top-level collections the OS named for this interface (Windows), when no descriptor was read. */
  hidCollections?: HidCollectionFact[];
  /** Mass storage: the SCSI inquiry strings of the drive behind it. */
  storageVendor?: string;
  storageProduct?: string;
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
  /** Hubs (class 9) only route other devices. */
  hub?: boolean;
  interfaces: UsbInterfaceFact[];
  /** Whether the source listed the interfaces at all (plain `lsusb` does not). */
  interfacesKnown?: boolean;
}
