// Stable keys and one-line summaries for inventory items, so the same device seen again updates
// its row instead of adding one.
import { createHash } from 'node:crypto';
import type { InventoryItem } from '@farmwatch/proto';

const hex4 = (n: number | null | undefined): string => (n ?? 0).toString(16).padStart(4, '0');

export function inventoryKey(item: InventoryItem): { kind: string; itemKey: string; summary: string } | undefined {
  if (item.usbDevice) {
    const d = item.usbDevice;
    const id = `${hex4(d.vendorId)}:${hex4(d.productId)}`;
    return {
      kind: 'usb_device',
      itemKey: `${id}:${d.serial || d.portPath || ''}`,
      summary: `${id} ${[d.manufacturer, d.product].filter(Boolean).join(' ')}`.trim(),
    };
  }
  if (item.display) {
    const d = item.display;
    const edid = d.edid && d.edid.length > 0 ? createHash('sha256').update(d.edid).digest('hex').slice(0, 16) : 'none';
    return { kind: 'display', itemKey: `${d.connector ?? ''}:${edid}`, summary: `${d.connector ?? ''}${d.connected ? '' : ' (disconnected)'}` };
  }
  if (item.networkInterface) {
    const n = item.networkInterface;
    return { kind: 'network_interface', itemKey: n.name ?? '', summary: `${n.name ?? ''} ${(n.addresses ?? []).join(' ')}`.trim() };
  }
  return undefined;
}
