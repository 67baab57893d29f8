// Services on Linux: systemd unit files (installed), whether they are enabled (a link in a
// *.wants folder), and SysV init scripts. Reads the unit folders only; running is left to the
// processes sensor (no systemctl process).
import { listDir } from '../fs.js';
import type { SensorContext } from '../sensor.js';
import { SensorUnavailable } from '../sensor.js';
import type { ServiceFact } from './types.js';

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system', '/usr/local/lib/systemd/system'];

export async function collectLinuxServices(ctx: SensorContext): Promise<ServiceFact[]> {
  const byName = new Map<string, ServiceFact>();
  let seenDir = false;
  for (const dir of UNIT_DIRS) {
    const entries = await listDir(`${ctx.root}${dir}`);
    if (!entries) continue;
    seenDir = true;
    for (const e of entries) {
      // Template units ("openvpn@.service") are definitions a package ships; their instances are what runs.
      if (e.endsWith('.service') && !e.endsWith('@.service') && !byName.has(e)) byName.set(e, { name: e, path: `${dir}/${e}` });
    }
    // Enabled units are links in <target>.wants/.
    for (const wants of entries.filter((e) => e.endsWith('.wants'))) {
      for (const unit of (await listDir(`${ctx.root}${dir}/${wants}`)) ?? []) {
        const s = byName.get(unit) ?? { name: unit, path: `${dir}/${wants}/${unit}` };
        s.enabled = true;
        byName.set(unit, s);
      }
    }
  }
  for (const e of (await listDir(`${ctx.root}/etc/init.d`)) ?? []) {
    if (!byName.has(`${e}.service`)) byName.set(e, { name: e, path: `/etc/init.d/${e}` });
    seenDir = true;
  }
  if (!seenDir) throw new SensorUnavailable('no systemd unit folder and no /etc/init.d: services are not visible');
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
