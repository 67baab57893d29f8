// farmwatch-agent scan: look at this laptop once and say what is there. Exit 0 when nothing was
// found, 1 when something was (sanctioned tools and information, such as a client-only
// remote-access tool, do not count), 2 on error: IT can run it before shipping a laptop.
import { builtinCatalog } from '@farmwatch/shared';
import { hostPlatform } from '../sensors/index.js';
import { scanHost, type ScanReport } from '../pipeline/scan.js';
import { actionableFindings, formatReport } from '../pipeline/report.js';
import { policyFrom } from '../pipeline/policy-file.js';
import { command, exits, list, type Command } from './args.js';

interface ScanOptions { json?: boolean; sanctioned?: string; policy?: string; root?: string; networkProbes: boolean }

/** JSON for machines: findings and sensor states, plus the host they belong to; raw facts stay here. */
export function reportJson(report: ScanReport, extra: Record<string, unknown> = {}): string {
  const { facts, ...rest } = report;
  return JSON.stringify({ host: facts.host ?? null, ...extra, ...rest }, null, 2) + '\n';
}

async function scan(o: ScanOptions): Promise<number> {
  const catalog = builtinCatalog();
  const policy = policyFrom(o.policy, list(o.sanctioned), catalog);
  const report = await scanHost({ platform: hostPlatform(), root: o.root ?? '', noNetworkProbes: !o.networkProbes }, catalog, policy);
  process.stdout.write(o.json ? reportJson(report) : formatReport(report, report.facts.host?.hostname ?? 'this machine'));
  return actionableFindings(report.findings).length > 0 ? 1 : 0;
}

export function scanCommand(program: Command): void {
  command(program, 'scan', 'scan this machine once and print what was found (exit 1 when something was)',
    'Scans this machine once: remote-access tools (processes, services, installed apps, sockets, session logs), USB devices and displays ' +
    '(KVMs, mouse jigglers), VPN clients, tunnels and routes. Prints a report grouped by remote access / KVM / VPN, with the evidence for ' +
    'each finding, and the sensors that could not run here and why.')
    .option('--json', 'machine-readable output')
    .option('--policy <file>', 'company policy: sanctioned tools and VPNs, exceptions (JSON, see README)')
    .option('--sanctioned <ids>', 'catalog ids of the company\'s own tools, comma-separated (reported, not counted)')
    .option('--root <dir>', 'read /proc, /sys and /etc under DIR (recorded machine images)')
    .option('--no-network-probes', 'send nothing on the network (no mDNS query for KVM names)')
    .addHelpText('after', '\nExit status: 0 nothing found, 1 something found, 2 error.')
    .action(exits((o: ScanOptions) => scan(o)));
}
