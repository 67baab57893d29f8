// Installed applications on macOS: the bundles in /Applications (and its Utilities folder, and
// each user's ~/Applications), each with the name, identifier and version its Contents/Info.plist
// gives (XML or binary plist, read in-process: no plutil process per bundle).
import { readFile, readdir, stat } from 'node:fs/promises';
import { parsePlist, plistDict, plistString } from '../plist.js';
import type { SensorContext } from '../sensor.js';
import type { AppFact } from './types.js';

export function appFromInfoPlist(bytes: Buffer, bundlePath: string): AppFact {
  const d = plistDict(parsePlist(bytes)) ?? {};
  const name = plistString(d.CFBundleDisplayName) ?? plistString(d.CFBundleName) ?? bundlePath.split('/').pop()?.replace(/\.app$/, '') ?? bundlePath;
  const version = plistString(d.CFBundleShortVersionString) ?? plistString(d.CFBundleVersion);
  const id = plistString(d.CFBundleIdentifier);
  return { name, path: bundlePath, source: 'applications', ...(version ? { version } : {}), ...(id ? { bundleId: id } : {}) };
}

export async function collectDarwinApps(ctx: SensorContext): Promise<AppFact[]> {
  const users = await readdir(`${ctx.root}/Users`).catch(() => [] as string[]);
  const folders = ['/Applications', '/Applications/Utilities', ...users.filter((u) => !u.startsWith('.')).map((u) => `/Users/${u}/Applications`)];
  const out: AppFact[] = [];
  for (const folder of folders) {
    const entries = await readdir(`${ctx.root}${folder}`).catch(() => [] as string[]);
    for (const e of entries.filter((x) => x.endsWith('.app'))) {
      const bundle = `${folder}/${e}`;
      const info = await readFile(`${ctx.root}${bundle}/Contents/Info.plist`).catch(() => undefined);
      const app = info ? appFromInfoPlist(info, bundle) : { name: e.replace(/\.app$/, ''), path: bundle, source: 'applications' as const };
      const when = await stat(`${ctx.root}${bundle}`).then((s) => s.mtimeMs, () => undefined);
      if (when !== undefined) app.installedAtMs = Math.round(when);
      out.push(app);
    }
  }
  return out;
}
