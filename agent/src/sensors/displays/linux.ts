// Displays on Linux from the DRM subsystem: every connector with its status and the raw EDID the
// attached sink presents (/sys/class/drm/card*-*/edid).
import { listDir, readAttr, readBytes } from '../fs.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import type { DisplayFact } from './types.js';

const INTERNAL = /^(eDP|LVDS|DSI)-/;

export async function collectLinuxDisplays(ctx: SensorContext): Promise<DisplayFact[]> {
  const base = `${ctx.root}/sys/class/drm`;
  const entries = await listDir(base);
  if (entries === undefined) {
    throw new SensorUnavailable(`no display hardware visible (${base} does not exist): a headless machine or a container`);
  }
  const connectors = entries.filter((e) => /^card\d+-.+/.test(e)).sort();
  return Promise.all(connectors.map(async (entry): Promise<DisplayFact> => {
    const connector = entry.replace(/^card\d+-/, '');
    const [status, edid] = await Promise.all([readAttr(`${base}/${entry}/status`), readBytes(`${base}/${entry}/edid`)]);
    const fact: DisplayFact = { connector, connected: status === 'connected', internal: INTERNAL.test(connector) };
    if (edid && edid.length > 0) fact.edid = edid;
    return fact;
  }));
}
