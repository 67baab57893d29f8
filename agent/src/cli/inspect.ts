// farmwatch-agent inspect FILE...: the same detectors over recorded inputs an analyst received from
// a laptop without the agent (EDIDs, lsusb, dmesg, system_profiler, PnP lists, ps, tasklist,
// Get-Process, dpkg -l, winget list, AnyDesk / TeamViewer logs). Each file's format is recognised
// from its content; files that could not be read are named with the reason.
import { readFileSync } from 'node:fs';
import { builtinCatalog } from '@farmwatch/shared';
import { Platform } from '@farmwatch/proto';
import { detect, type HostFacts, type ScanReport } from '../pipeline/scan.js';
import { actionableFindings, formatReport } from '../pipeline/report.js';
import { policyFrom } from '../pipeline/policy-file.js';
import { guessPlatform, inspectBytes, type InspectedFile } from '../pipeline/inspect/recognise.js';
import { list, parse, UsageError } from './args.js';
import { reportJson } from './scan.js';

export const INSPECT_HELP = `Usage: farmwatch-agent inspect [--json] [--policy FILE] [--platform linux|macos|windows] FILE...

Runs the detectors over files recorded on a laptop without the agent. Recognised by content:
  EDID: binary, hex, edid-decode output, xrandr --verbose, Windows registry (.reg or reg query)
  USB:  lsusb, lsusb -v, usbhid-dump, dmesg USB lines, ioreg, system_profiler SPUSBDataType (text
        or -json), pnputil /enum-devices and other Windows PnP lists
  processes: ps aux / ps -ef, tasklist (table or csv), Get-Process
  installed apps: dpkg -l, winget list
  remote-access logs: AnyDesk connection_trace.txt / ad.trace / ad_svc.trace, TeamViewer Connections_incoming.txt

  --json              machine-readable output
  --policy FILE       company policy (as for scan)
  --sanctioned IDS    catalog ids of the company's own tools
  --platform NAME     the laptop's platform for process names (default: from the files)

Exit status: 0 nothing found (or only information), 1 something found, 2 error (including: no file could be read).
`;

const PLATFORMS: Record<string, Platform> = { linux: Platform.PLATFORM_LINUX, macos: Platform.PLATFORM_MACOS, windows: Platform.PLATFORM_WINDOWS };

export function inspectCommand(argv: string[]): number {
  const { values, positionals } = parse(argv, {
    json: { type: 'boolean', default: false },
    policy: { type: 'string' },
    sanctioned: { type: 'string' },
    platform: { type: 'string' },
    help: { type: 'boolean', default: false },
  }, 'farmwatch-agent inspect');
  if (values.help) {
    process.stdout.write(INSPECT_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`name at least one file to inspect\n\n${INSPECT_HELP}`);
  if (values.platform !== undefined && !(values.platform in PLATFORMS)) throw new UsageError(`--platform must be linux, macos or windows, not "${values.platform}"`);
  const catalog = builtinCatalog();
  const policy = policyFrom(values.policy, list(values.sanctioned), catalog);
  const facts: HostFacts = {};
  const read = positionals.map((file) => {
    try {
      return { file, bytes: readFileSync(file) };
    } catch (err) {
      return { file, problem: `cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
    }
  });
  // usbhid-dump output refers to devices by bus and device number: read it after the lsusb output it refers to.
  const later = (r: (typeof read)[number]): number => ('bytes' in r && r.bytes && /^\d{3}:\d{3}:\d{3}:DESCRIPTOR\s/m.test(r.bytes.subarray(0, 4096).toString('latin1')) ? 1 : 0);
  const results = new Map<(typeof read)[number], InspectedFile>();
  for (const r of [...read].sort((a, b) => later(a) - later(b))) {
    results.set(r, 'bytes' in r && r.bytes ? inspectBytes(r.file, r.bytes, facts) : { file: r.file, items: 0, problem: r.problem ?? '' });
  }
  const files: InspectedFile[] = read.map((r) => results.get(r) ?? { file: r.file, items: 0, problem: 'not read' });
  const platform = values.platform ? PLATFORMS[values.platform] ?? Platform.PLATFORM_LINUX : guessPlatform(files, facts);
  const report: ScanReport = { scannedAtMs: Date.now(), catalogVersion: catalog.version ?? '', sensors: [], facts, findings: detect(facts, catalog, policy, platform) };
  for (const f of files) if (f.problem) process.stderr.write(`farmwatch-agent inspect: ${f.file}: ${f.problem}\n`);
  process.stdout.write(values.json ? reportJson(report, { files }) : formatReport(report, '', files));
  if (files.every((f) => f.problem)) return 2;
  return actionableFindings(report.findings).length > 0 ? 1 : 0;
}
