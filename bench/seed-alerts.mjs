// A fleet's alert queue at scale, for the console's paging test and benchmark: N alerts raised
// through the store's own alert path (raiseAlert, one transaction), over N/4 registered laptops:
// each laptop's risk alert and its findings (AnyDesk, Astrill, an IP-KVM for some), farm cluster
// alerts over groups of ten laptops, first seen over the last 30 days, most open, some
// acknowledged, resolved, false positives, a few suppressed. Deterministic: the same N gives the
// same queue.
const DAY = 86_400_000;

function lcg(seed) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const severityFor = (score) => (score >= 70 ? 'critical' : score >= 50 ? 'high' : score >= 30 ? 'medium' : score >= 15 ? 'low' : 'info');

/** Seeds `n` alerts into an open SqliteStore; returns the laptops' ids. */
export function seedAlerts(store, n, now = Date.now()) {
  const random = lcg(n);
  const laptops = Math.ceil(n / 4);
  const ids = [];
  const db = store.db;
  const insertDevice = db.prepare('INSERT INTO devices (id, machine_id, hostname, first_seen_ms, last_seen_ms, last_sequence) VALUES (?, ?, ?, ?, ?, 1)');
  store.write(() => {
    for (let i = 0; i < laptops; i++) {
      const serial = `SEED-${String(i).padStart(6, '0')}`;
      const r = store.registry.register({ serial, assigneeName: `Person ${i}`, assigneeEmail: `person.${i}@example.com`, shipTo: 'Austin, Texas, US', shipCountry: 'US', shipLat: 30.27, shipLon: -97.74, timeZone: 'America/Chicago' }, 'seed', now - 40 * DAY);
      insertDevice.run(r.deviceId, `machine-${i}`, `LT-${String(i).padStart(5, '0')}`, now - 40 * DAY, now - Math.floor(random() * DAY));
      ids.push(r.deviceId);
    }
  });
  const suppression = store.alerts.addSuppression('remote_access.process', '', 'QA lab runs AnyDesk', 'seed', now + 30 * DAY, now);
  let made = 0;
  store.write((w) => {
    const raise = (a) => {
      if (made >= n) return;
      const at = now - Math.floor(random() * 30 * DAY);
      w.raiseAlert({ ...a, atMs: at, newOccurrence: true, suppressedBy: random() < 0.02 ? suppression.id : null });
      made++;
    };
    for (let i = 0; made < n; i = (i + 1) % laptops) {
      const d = ids[i];
      const score = Math.floor(random() * 101);
      if (made < laptops) {
        raise({ deviceId: d, rule: 'device.risk', key: 'risk', severity: severityFor(score), score, title: `Risk ${score}: remote-access peer on Astrill VPN`, details: { explanation: [] } });
        continue;
      }
      const kind = Math.floor(made / laptops);
      if (kind === 1) raise({ deviceId: d, rule: 'remote_access.process', key: 'anydesk', severity: 'medium', title: 'AnyDesk is running' });
      else if (kind === 2) raise({ deviceId: d, rule: 'vpn.client', key: 'astrill', severity: random() < 0.5 ? 'critical' : 'high', title: 'Astrill VPN client' });
      else if (i % 10 === 0 && i + 10 <= laptops) {
        const members = ids.slice(i, i + 10);
        raise({ deviceId: d, rule: 'fleet.colocation', key: `cluster:${d}`, scope: 'cluster', severity: 'critical', score: 100, members, title: `10 laptops of 10 people co-located (score 100)`, details: { members } });
      } else raise({ deviceId: d, rule: 'kvm.usb_identity', key: `kvm-${i}`, severity: 'high', title: 'PiKVM USB gadget attached' });
    }
  });
  // Analysts' work so far: most open, some acknowledged, resolved, false positives.
  store.write(() => {
    const setStatus = db.prepare('UPDATE alerts SET status = ?, updated_ms = ? WHERE id = ?');
    for (const { id } of db.prepare('SELECT id FROM alerts').all()) {
      const x = random();
      if (x < 0.7) continue;
      setStatus.run(x < 0.85 ? 'acknowledged' : x < 0.95 ? 'resolved' : 'false_positive', now - Math.floor(random() * DAY), id);
    }
  });
  return ids;
}
