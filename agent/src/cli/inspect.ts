// farmwatch-agent inspect FILE...: the same detectors over recorded inputs an analyst received from
// a laptop without the agent (EDIDs, lsusb, dmesg, system_profiler, PnP lists, ps, tasklist,
// Get-Process, dpkg -l, winget list, AnyDesk / TeamViewer logs). Each file's format is recognised
// from its content; files that could not be read are named with the reason.
import { readFileSync } from 'node:fs';
import { builtinCatalog, fileErrorReason } from '@farmwatch/shared';
import { Platform } from '@farmwatch/proto';
import type { ScanReport } from '../pipeline/scan.js';
import { actionableFindings, formatReport } from '../pipeline/report.js';
import { policyFrom } from '../pipeline/policy-file.js';
import { inspectFiles, type InspectInput } from '../pipeline/inspect/inspect-files.js';
import { command, exits, list, Option, type Command } from './args.js';

interface InspectOptions { json?: boolean; policy?: string; sanctioned?: string; platform?: keyof typeof PLATFORMS }
import { reportJson } from './scan.js';

const PLATFORMS = { linux: Platform.PLATFORM_LINUX, macos: Platform.PLATFORM_MACOS, windows: Platform.PLATFORM_WINDOWS };

function inspect(positionals: string[], values: InspectOptions): number {
  const catalog = builtinCatalog();
  const policy = policyFrom(values.policy, list(values.sanctioned), catalog);
  const inputs: InspectInput[] = positionals.map((file) => {
    try {
      return { file, bytes: readFileSync(file) };
    } catch (err) {
      return { file, problem: `it ${fileErrorReason(err, file, { fix: 'give the path of a recorded file' })}` };
    }
  });
  const { files, facts, findings } = inspectFiles(inputs, catalog, policy, values.platform ? PLATFORMS[values.platform] : undefined);
  const report: ScanReport = { scannedAtMs: Date.now(), catalogVersion: catalog.version ?? '', sensors: [], facts, findings };
  for (const f of files) if (f.problem) process.stderr.write(`farmwatch-agent inspect: ${f.file}: ${f.problem}\n`);
  process.stdout.write(values.json ? reportJson(report, { files }) : formatReport(report, '', files));
  if (files.every((f) => f.problem)) return 2;
  return actionableFindings(report.findings).length > 0 ? 1 : 0;
}

export function inspectCommand(program: Command): void {
  command(program, 'inspect', 'run the detectors over files recorded on a laptop (EDID, lsusb, ps, logs, ...)',
    'Runs the detectors over files recorded on a laptop without the agent. Each file\'s format is recognised by its content; files that ' +
    'could not be read are named with the reason.')
    .argument('<files...>', 'the recorded files')
    .option('--json', 'machine-readable output')
    .option('--policy <file>', 'company policy (as for scan)')
    .option('--sanctioned <ids>', 'catalog ids of the company\'s own tools, comma-separated')
    .addOption(new Option('--platform <name>', 'the laptop\'s platform for process names (default: from the files)').choices(Object.keys(PLATFORMS)))
    .addHelpText('after', `
Recognised by content (never by file name; every matching reader takes the file):
  EDID: binary, hex, edid-decode output, xrandr --verbose, Windows registry (.reg or reg query)
  USB:  lsusb, lsusb -v, usbhid-dump, dmesg USB / HID / input / SCSI lines, usb-devices, udevadm info,
        hwinfo --usb, /dev/input/by-id, FreeBSD ugen lines, USBView / UsbTreeView / USB Descriptor
        Dumper reports, ioreg, system_profiler SPUSBDataType (text or -json), pnputil /enum-devices,
        Get-PnpDevice (table or Format-List), Get-PnpDeviceProperty
  processes and services: ps (with or without header), top, pstree, Volatility pslist, audit logs,
        tasklist, Get-Process, wmic process, systemctl status / list-units, service --status-all,
        launchctl list, sc query, Get-Service, Autoruns CSV, lsof -i, ss, netstat
  installed apps: dpkg -l, winget list
  remote-access logs: AnyDesk connection_trace.txt / ad.trace / ad_svc.trace, TeamViewer Connections_incoming.txt
  anything else: free text (catalog USB ids with strings, .exe names, paths, unit names, relay hosts;
        lower confidence, and the report says the file was read as free text)

Exit status: 0 nothing found, 1 something found, 2 error (including: no file could be read).`)
    .action(exits((files: string[], o: InspectOptions) => inspect(files, o)));
}
