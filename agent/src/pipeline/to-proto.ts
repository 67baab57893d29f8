// From the agent's own types to wire messages. Serialization of the messages themselves is the
// proto package's; this is only the mapping.
import {
  Category, InterfaceKind, SensorStatus, Severity,
  type Display, type Finding as PbFinding, type Hello, type InventoryItem, type NetworkInterface,
  type SensorState, type UsbDevice,
} from '@farmwatch/proto';
import { FARMWATCH_VERSION, decodeEdid, modeText } from '@farmwatch/shared';
import type { CategoryName, Finding, SeverityName } from '../detectors/finding.js';
import type { DisplayFact, HostFact, NetworkInterfaceFact, UsbDeviceFact } from '../sensors/index.js';
import type { HostFacts, SensorSummary } from './scan.js';
import { protoPlatform } from './scan.js';

const SEVERITY: Record<SeverityName, Severity> = {
  info: Severity.SEVERITY_INFO, low: Severity.SEVERITY_LOW, medium: Severity.SEVERITY_MEDIUM,
  high: Severity.SEVERITY_HIGH, critical: Severity.SEVERITY_CRITICAL,
};

const CATEGORY: Record<CategoryName, Category> = {
  remote_access: Category.CATEGORY_REMOTE_ACCESS, kvm: Category.CATEGORY_KVM, vpn: Category.CATEGORY_VPN,
  mouse_jiggler: Category.CATEGORY_MOUSE_JIGGLER, location: Category.CATEGORY_LOCATION, tamper: Category.CATEGORY_TAMPER,
};

const STATUS: Record<SensorSummary['status'], SensorStatus> = {
  ok: SensorStatus.SENSOR_STATUS_OK, unavailable: SensorStatus.SENSOR_STATUS_UNAVAILABLE, error: SensorStatus.SENSOR_STATUS_ERROR,
  disabled: SensorStatus.SENSOR_STATUS_DISABLED,
};

const KIND: Record<NetworkInterfaceFact['kind'], InterfaceKind> = {
  ethernet: InterfaceKind.INTERFACE_KIND_ETHERNET, wifi: InterfaceKind.INTERFACE_KIND_WIFI,
  tunnel: InterfaceKind.INTERFACE_KIND_TUNNEL, loopback: InterfaceKind.INTERFACE_KIND_LOOPBACK,
  virtual: InterfaceKind.INTERFACE_KIND_VIRTUAL, cellular: InterfaceKind.INTERFACE_KIND_CELLULAR,
  other: InterfaceKind.INTERFACE_KIND_OTHER,
};

export function findingToProto(f: Finding, firstSeenMs: number): PbFinding {
  return {
    detector: f.detector, key: f.key, category: CATEGORY[f.category], severity: SEVERITY[f.severity],
    confidence: f.confidence, title: f.title, sanctioned: f.sanctioned, catalogEntry: f.catalogEntry ?? '',
    firstSeenMs,
    evidence: f.evidence.map((e) => ({ field: e.field, value: e.value, catalogEntry: e.catalogEntry ?? '', matched: e.matched ?? '' })),
  };
}

export function sensorStateToProto(s: SensorSummary): SensorState {
  return {
    sensor: s.sensor, status: STATUS[s.status], reason: s.reason ?? '', lastRunMs: s.startedAtMs,
    durationMs: s.durationMs, items: s.items,
  };
}

export function helloFromHost(host: HostFact, catalogVersion: string, configVersion: string): Hello {
  return {
    machineId: host.machineIdHash, hostname: host.hostname, hardwareSerial: host.hardwareSerial ?? '',
    agentVersion: FARMWATCH_VERSION, catalogVersion, configVersion,
    os: { platform: protoPlatform(host.os.platform), name: host.os.name, version: host.os.version, kernel: host.os.kernel, arch: host.os.arch },
    bootId: host.bootId ?? '', bootTimeMs: host.bootTimeMs ?? 0, clockMs: Date.now(), timeZone: host.timeZone,
  };
}

function usbToProto(d: UsbDeviceFact): UsbDevice {
  return {
    vendorId: d.vendorId, productId: d.productId, manufacturer: d.manufacturer ?? '', product: d.product ?? '',
    serial: d.serial ?? '', deviceClass: d.deviceClass, deviceSubclass: d.deviceSubclass, deviceProtocol: d.deviceProtocol,
    bcdDevice: d.bcdDevice ?? 0, bcdUsb: d.bcdUsb ?? 0, portPath: d.portPath, speedMbps: d.speedMbps ?? 0,
    removable: d.removable ?? false,
    interfaces: d.interfaces.map((i) => ({
      number: i.number, interfaceClass: i.interfaceClass, interfaceSubclass: i.interfaceSubclass,
      interfaceProtocol: i.interfaceProtocol, driver: i.driver ?? '',
      ...(i.hid ? { hid: { ...i.hid } } : {}),
      ...(i.storageVendor ? { storageVendor: i.storageVendor, storageProduct: i.storageProduct ?? '' } : {}),
    })),
  };
}

function displayToProto(d: DisplayFact): Display {
  const out: Display = { connector: d.connector, internal: d.internal, connected: d.connected, edid: d.edid ?? new Uint8Array() };
  if (d.lidOpen !== undefined) { out.lidKnown = true; out.lidOpen = d.lidOpen; }
  if (!d.edid || d.edid.length < 128) return out;
  const e = decodeEdid(d.edid);
  return {
    ...out, manufacturerId: e.manufacturerId, productCode: e.productCode, serialNumber: e.serialNumber, monitorName: e.monitorName ?? '',
    serialString: e.serialString ?? '', widthCm: e.widthCm, heightCm: e.heightCm, edidValid: e.valid, edidExtensions: e.extensionCount,
    preferredMode: e.preferred ? modeText(e.preferred) : '',
  };
}

function interfaceToProto(n: NetworkInterfaceFact): NetworkInterface {
  return { name: n.name, kind: KIND[n.kind], up: n.up, addresses: n.addresses, mtu: n.mtu ?? 0, mac: n.mac ?? '' };
}

/** The inventory items of a scan: USB devices (root hubs left out), displays, interfaces. */
export function inventoryItems(facts: HostFacts): InventoryItem[] {
  return [
    ...(facts.usb ?? []).filter((d) => !d.rootHub).map((d): InventoryItem => ({ usbDevice: usbToProto(d) })),
    ...(facts.displays ?? []).map((d): InventoryItem => ({ display: displayToProto(d) })),
    ...(facts.interfaces ?? []).map((n): InventoryItem => ({ networkInterface: interfaceToProto(n) })),
  ];
}
