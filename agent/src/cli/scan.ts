// farmwatch-agent scan: look at this laptop once and say what is there. Exit 0 when nothing was
// found, 1 when something was (sanctioned tools do not count), 2 on error: IT can run it before
// shipping a laptop.
import { builtinCatalog } from '@farmwatch/shared';
import { hostPlatform } from '../sensors/index.js';
import { scanHost } from '../pipeline/scan.js';
import { formatReport } from '../pipeline/report.js';
import { parse, list } from './args.js';

export const SCAN_HELP = `Usage: farmwatch-agent scan [--json] [--sanctioned ID,ID]

Scans this machine once: running remote-access tools, USB devices, displays, network interfaces.
Prints a report grouped by remote access / KVM / VPN, with the evidence for each finding.

  --json              machine-readable output
  --sanctioned IDS    catalog ids of the company's own tools (reported, not counted)
  --root DIR          read /proc, /sys and /etc under DIR (recorded machine images)

Exit status: 0 nothing found, 1 something found, 2 error.
`;

export async function scanCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    json: { type: 'boolean', default: false },
    sanctioned: { type: 'string' },
    root: { type: 'string', default: '' },
    help: { type: 'boolean', default: false },
  }, 'farmwatch-agent scan');
  if (values.help) {
    process.stdout.write(SCAN_HELP);
    return 0;
  }
  const catalog = builtinCatalog();
  const report = await scanHost({ platform: hostPlatform(), root: values.root }, catalog, { sanctionedTools: list(values.sanctioned) });
  if (values.json) {
    const { facts, ...rest } = report;
    // Raw facts stay on the laptop; the JSON report carries findings and sensor states, plus the
    // host identity the findings belong to.
    process.stdout.write(JSON.stringify({ host: facts.host ?? null, ...rest }, null, 2) + '\n');
  } else {
    process.stdout.write(formatReport(report, report.facts.host?.hostname ?? 'this machine'));
  }
  return report.findings.some((f) => !f.sanctioned) ? 1 : 0;
}
