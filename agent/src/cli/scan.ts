// farmwatch-agent scan: look at this laptop once and say what is there. Exit 0 when nothing was
// found, 1 when something was (sanctioned tools and information, such as a client-only
// remote-access tool, do not count), 2 on error: IT can run it before shipping a laptop.
import { builtinCatalog } from '@farmwatch/shared';
import { hostPlatform } from '../sensors/index.js';
import { scanHost, type ScanReport } from '../pipeline/scan.js';
import { actionableFindings, formatReport } from '../pipeline/report.js';
import { policyFrom } from '../pipeline/policy-file.js';
import { parse, list } from './args.js';

export const SCAN_HELP = `Usage: farmwatch-agent scan [--json] [--policy FILE] [--sanctioned ID,ID] [--no-network-probes]

Scans this machine once: remote-access tools (processes, services, installed apps, sockets,
session logs), USB devices and displays (KVMs, mouse jigglers), VPN clients, tunnels and routes.
Prints a report grouped by remote access / KVM / VPN, with the evidence for each finding, and the
sensors that could not run here and why.

  --json              machine-readable output
  --policy FILE       company policy: sanctioned tools and VPNs, exceptions (JSON, see README)
  --sanctioned IDS    catalog ids of the company's own tools (reported, not counted)
  --root DIR          read /proc, /sys and /etc under DIR (recorded machine images)
  --no-network-probes send nothing on the network (no mDNS query for KVM names)

Exit status: 0 nothing found, 1 something found, 2 error.
`;

/** JSON for machines: findings and sensor states, plus the host they belong to; raw facts stay here. */
export function reportJson(report: ScanReport, extra: Record<string, unknown> = {}): string {
  const { facts, ...rest } = report;
  return JSON.stringify({ host: facts.host ?? null, ...extra, ...rest }, null, 2) + '\n';
}

export async function scanCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    json: { type: 'boolean', default: false },
    sanctioned: { type: 'string' },
    policy: { type: 'string' },
    root: { type: 'string', default: '' },
    'no-network-probes': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  }, 'farmwatch-agent scan');
  if (values.help) {
    process.stdout.write(SCAN_HELP);
    return 0;
  }
  const catalog = builtinCatalog();
  const policy = policyFrom(values.policy, list(values.sanctioned), catalog);
  const report = await scanHost({ platform: hostPlatform(), root: values.root, noNetworkProbes: values['no-network-probes'] }, catalog, policy);
  process.stdout.write(values.json ? reportJson(report) : formatReport(report, report.facts.host?.hostname ?? 'this machine'));
  return actionableFindings(report.findings).length > 0 ? 1 : 0;
}
