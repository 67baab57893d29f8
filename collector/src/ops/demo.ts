// The demo fleet's way out, for the CLI (`devices purge-demo`) and the API alike: every device
// registered as a demo laptop (`npm run demo`) goes, with everything that hangs off it, in one
// transaction, audited. Real devices are not touched; a cluster alert that also names real
// laptops stays, without the demo ones.
import { auditTarget } from '../store/audit-target.js';
import type { Store } from '../store/store.js';

/** Setting written with each purge (epoch ms as text): a collector running on the database sees it and forgets the devices. */
export const PURGED_SETTING = 'devices.purged_ms';

export interface DemoPurge {
  /** The demo devices removed. */
  devices: { id: string; serial: string; hostname: string }[];
  /** Rows deleted per table. */
  deleted: Record<string, number>;
  /** Cluster alerts kept because laptops that are not demo laptops are in them too. */
  clusterAlertsKept: number[];
  /** Serials of the certificates that were still live (a running collector ends their streams). */
  certificates: string[];
}

export function purgeDemoDevices(store: Store, actor: string, nowMs = Date.now()): DemoPurge {
  return store.write(() => {
    const ids = store.registry.demoDeviceIds();
    const devices = ids.map((id) => ({ id, serial: store.registry.registration(id)?.serial ?? '', hostname: store.device(id)?.hostname ?? '' }));
    const certificates = ids.flatMap((id) => store.registry.certificates(id).filter((c) => c.revokedMs === null).map((c) => c.serial));
    if (ids.length === 0) return { devices, deleted: {}, clusterAlertsKept: [], certificates };
    const { deleted, clusterAlertsKept } = store.purgeDevices(ids, `${ids.length} demo laptop(s) removed by ${actor} (devices purge-demo)`, nowMs);
    store.fleet.setSetting(PURGED_SETTING, Buffer.from(String(nowMs)));
    const summary = Object.entries(deleted).filter(([, n]) => n > 0).map(([table, n]) => `${table} ${n}`).join(', ');
    store.alerts.audit(actor, 'device.purge-demo', auditTarget.purge(ids.length),
      `${summary}${clusterAlertsKept.length > 0 ? `; cluster alerts kept without them: ${clusterAlertsKept.join(', ')}` : ''}; serials ${devices.map((d) => d.serial).join(', ')}`, nowMs);
    return { devices, deleted, clusterAlertsKept, certificates };
  });
}
