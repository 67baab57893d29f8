// Displays on Linux from the DRM subsystem: every connector with its status and the raw EDID the
// attached sink presents (/sys/class/drm/card*-*/edid).
import { listDir, readAttr, readBytes, readText } from '../fs.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import type { DisplayFact } from './types.js';

const INTERNAL = /^(eDP|LVDS|DSI)-/;

/** The laptop lid from ACPI (/proc/acpi/button/lid/LID0/state: "state:      open"). */
export async function lidOpen(root: string): Promise<boolean | undefined> {
  const lids = await listDir(`${root}/proc/acpi/button/lid`);
  const first = lids?.[0];
  if (!first) return undefined;
  const text = await readText(`${root}/proc/acpi/button/lid/${first}/state`);
  const m = text === undefined ? null : /state:\s*(open|closed)/.exec(text);
  return m ? m[1] === 'open' : undefined;
}

export async function collectLinuxDisplays(ctx: SensorContext): Promise<DisplayFact[]> {
  const base = `${ctx.root}/sys/class/drm`;
  const entries = await listDir(base);
  if (entries === undefined) {
    throw new SensorUnavailable(`no display hardware visible (${base} does not exist): a headless machine or a container`);
  }
  const connectors = entries.filter((e) => /^card\d+-.+/.test(e)).sort();
  const lid = await lidOpen(ctx.root);
  return Promise.all(connectors.map(async (entry): Promise<DisplayFact> => {
    const connector = entry.replace(/^card\d+-/, '');
    const [status, edid] = await Promise.all([readAttr(`${base}/${entry}/status`), readBytes(`${base}/${entry}/edid`)]);
    const fact: DisplayFact = { connector, connected: status === 'connected', internal: INTERNAL.test(connector) };
    if (edid && edid.length > 0) fact.edid = edid;
    if (fact.internal && lid !== undefined) fact.lidOpen = lid;
    return fact;
  }));
}
