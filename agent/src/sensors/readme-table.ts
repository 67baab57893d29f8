// The README's "Sensors and platforms" table, made from the declaration (registry.ts). The README
// holds it between two markers; scripts/sensor-table.mjs rewrites it there and
// agent/test/declarations.test.ts fails when the two differ.
import type { HostPlatform } from './sensor.js';
import { SENSORS, type SensorDeclaration } from './registry.js';

export const README_BEGIN = '<!-- sensors: generated from agent/src/sensors/registry.ts by `node scripts/sensor-table.mjs`; edit the declaration, not this table -->';
export const README_END = '<!-- /sensors -->';

const COLUMNS: readonly [HostPlatform, string][] = [['linux', 'Linux'], ['darwin', 'macOS'], ['win32', 'Windows']];

function every(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function row(d: SensorDeclaration): string {
  const name = `\`${d.spec.name}\`${d.readme.note ? ` (${d.readme.note})` : ''}`;
  const runsIn = d.use === 'both' ? '`scan`, `run`' : `\`${d.use}\` only`;
  const interval = d.use === 'scan' ? '—' : `${every(d.spec.defaultIntervalS)}${d.hotplug ? ', and when one is plugged or unplugged (Linux)' : ''}`;
  const platforms = COLUMNS.map(([p]) => {
    if (!d.spec.platforms.includes(p)) return 'not supported';
    const text = d.readme[p];
    if (text === undefined) throw new Error(`sensor ${d.spec.name} runs on ${p} but its declaration gives no README text for it: add readme.${p} in agent/src/sensors/registry.ts`);
    return text;
  });
  return `| ${[name, `\`${d.key}\``, runsIn, interval, ...platforms].map(cell).join(' | ')} |`;
}

/** The markdown table, header included, without the markers. */
export function sensorTableMarkdown(table: readonly SensorDeclaration[] = SENSORS): string {
  return [
    `| sensor | facts | used by | every | ${COLUMNS.map(([, title]) => title).join(' | ')} |`,
    `|---|---|---|---|${COLUMNS.map(() => '---|').join('')}`,
    ...table.map(row),
  ].join('\n');
}

/** The README with its sensor table replaced by the declaration's; throws when the markers are missing. */
export function withSensorTable(readme: string, table: readonly SensorDeclaration[] = SENSORS): string {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no sensor table markers (${README_BEGIN} ... ${README_END}): put them where the table goes`);
  return `${readme.slice(0, begin + README_BEGIN.length)}\n${sensorTableMarkdown(table)}\n${readme.slice(end)}`;
}
