// Turns successive inventories into changes: a USB device plugged or pulled, a display attached,
// an interface that appears. Only changes go out; a full inventory (every item PRESENT, then
// InventoryComplete) goes at first contact and when the collector asks.
import { InventoryOp, pb, type InventoryItem } from '@farmwatch/proto';

export type InventoryKindName = 'usb' | 'display' | 'interface';

const hex4 = (n: number | null | undefined): string => (n ?? 0).toString(16).padStart(4, '0');

function keyOf(item: InventoryItem): { kind: InventoryKindName; key: string } | undefined {
  if (item.usbDevice) {
    const d = item.usbDevice;
    return { kind: 'usb', key: `${hex4(d.vendorId)}:${hex4(d.productId)}:${d.serial || d.portPath || ''}` };
  }
  if (item.display) return { kind: 'display', key: item.display.connector ?? '' };
  if (item.networkInterface) return { kind: 'interface', key: item.networkInterface.name ?? '' };
  return undefined;
}

export interface InventoryChangeOut {
  op: InventoryOp;
  item: InventoryItem;
}

export class InventoryDiffer {
  private readonly current = new Map<string, { kind: InventoryKindName; item: InventoryItem; fingerprint: string }>();
  private readonly known = new Set<InventoryKindName>();

  /** The changes since the last update of `kind`; the first update of a kind gives none (a full inventory covers it). */
  update(kind: InventoryKindName, items: readonly InventoryItem[]): InventoryChangeOut[] {
    const first = !this.known.has(kind);
    this.known.add(kind);
    const changes: InventoryChangeOut[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const k = keyOf(item);
      if (!k || k.kind !== kind) continue;
      const id = `${kind}|${k.key}`;
      seen.add(id);
      const fingerprint = Buffer.from(pb.InventoryItem.encode(item).finish()).toString('base64');
      const before = this.current.get(id);
      if (before?.fingerprint === fingerprint) continue;
      this.current.set(id, { kind, item, fingerprint });
      if (!first) changes.push({ op: before ? InventoryOp.INVENTORY_OP_CHANGED : InventoryOp.INVENTORY_OP_ADDED, item });
    }
    for (const [id, entry] of this.current) {
      if (entry.kind !== kind || seen.has(id)) continue;
      this.current.delete(id);
      if (!first) changes.push({ op: InventoryOp.INVENTORY_OP_REMOVED, item: entry.item });
    }
    return changes;
  }

  /** Everything known now, for a full inventory. */
  all(): InventoryItem[] {
    return [...this.current.values()].map((e) => e.item);
  }
}
