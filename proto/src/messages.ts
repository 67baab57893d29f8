// The generated protobuf classes under short names, with the plain-object shapes the rest of the
// code builds and reads. Generated code lives in ../generated (scripts/gen-proto.mjs).
import { farmwatch } from '../generated/farmwatch.js';

export const pb = farmwatch.v1;
export type { farmwatch };

/** A message as code builds it for encoding (every field optional). */
export type Props<T extends { $Properties: unknown }> = T['$Properties'];

export type AgentMessage = farmwatch.v1.AgentMessage.$Shape;
export type CollectorMessage = farmwatch.v1.CollectorMessage.$Shape;
export type Hello = farmwatch.v1.Hello.$Shape;
export type HelloAck = farmwatch.v1.HelloAck.$Shape;
export type EventBatch = farmwatch.v1.EventBatch.$Shape;
export type Event = farmwatch.v1.Event.$Shape;
export type Finding = farmwatch.v1.Finding.$Shape;
export type Evidence = farmwatch.v1.Evidence.$Shape;
export type Observation = farmwatch.v1.Observation.$Shape;
export type SensorState = farmwatch.v1.SensorState.$Shape;
export type UsbDevice = farmwatch.v1.UsbDevice.$Shape;
export type UsbInterface = farmwatch.v1.UsbInterface.$Shape;
export type Display = farmwatch.v1.Display.$Shape;
export type NetworkInterface = farmwatch.v1.NetworkInterface.$Shape;
export type InventoryItem = farmwatch.v1.InventoryItem.$Shape;
export type Catalog = farmwatch.v1.Catalog.$Shape;
export type RemoteAccessTool = farmwatch.v1.RemoteAccessTool.$Shape;
export type OsInfo = farmwatch.v1.OsInfo.$Shape;

export const Platform = farmwatch.v1.Platform;
export type Platform = farmwatch.v1.Platform;
export const Severity = farmwatch.v1.Severity;
export type Severity = farmwatch.v1.Severity;
export const Category = farmwatch.v1.Category;
export type Category = farmwatch.v1.Category;
export const SensorStatus = farmwatch.v1.SensorStatus;
export type SensorStatus = farmwatch.v1.SensorStatus;
export const DropReason = farmwatch.v1.DropReason;
export type DropReason = farmwatch.v1.DropReason;
export const StopReason = farmwatch.v1.StopReason;
export type StopReason = farmwatch.v1.StopReason;
export const ObservationKind = farmwatch.v1.ObservationKind;
export type ObservationKind = farmwatch.v1.ObservationKind;
export const InventoryOp = farmwatch.v1.InventoryOp;
export type InventoryOp = farmwatch.v1.InventoryOp;
export const InventoryKind = farmwatch.v1.InventoryKind;
export type InventoryKind = farmwatch.v1.InventoryKind;
export const InterfaceKind = farmwatch.v1.InterfaceKind;
export type InterfaceKind = farmwatch.v1.InterfaceKind;

/** Lower-case name of an enum value without its prefix: SEVERITY_HIGH -> "high", SENSOR_STATUS_OK -> "ok". */
export function enumName(values: Readonly<Record<string, string | number>>, value: number | null | undefined): string {
  const keys = Object.keys(values).filter((k) => typeof values[k] === 'number');
  const key = keys.find((k) => values[k] === (value ?? 0));
  if (key === undefined) return `unknown(${String(value)})`;
  return key.slice(commonPrefix(keys).length).toLowerCase();
}

/** The enum value whose suffix is `name` ("high" -> SEVERITY_HIGH), or undefined. */
export function enumValue(values: Readonly<Record<string, string | number>>, name: string): number | undefined {
  const keys = Object.keys(values).filter((k) => typeof values[k] === 'number');
  const key = commonPrefix(keys) + name.toUpperCase();
  const v = values[key];
  return typeof v === 'number' ? v : undefined;
}

function commonPrefix(keys: string[]): string {
  if (keys.length < 2) return keys[0]?.slice(0, keys[0].lastIndexOf('_') + 1) ?? '';
  let prefix = keys[0] ?? '';
  for (const k of keys) while (!k.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf('_') + 1);
}
