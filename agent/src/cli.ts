#!/usr/bin/env node
// farmwatch-agent: the laptop side of farmwatch.
import './cli/quiet-warnings.js';
import { FARMWATCH_VERSION } from '@farmwatch/shared';
import { UsageError } from './cli/args.js';
import { scanCommand } from './cli/scan.js';
import { runCommand } from './cli/run.js';
import { statusCommand } from './cli/status.js';
import { configCommand } from './cli/config.js';
import { inspectCommand } from './cli/inspect.js';
import { enrollCommand } from './cli/enroll.js';

const HELP = `farmwatch-agent ${FARMWATCH_VERSION}: finds remote-access tools, KVMs and VPN hops on this laptop

Usage: farmwatch-agent <command> [options]

Commands:
  scan      scan this machine once and print what was found (exit 1 when something was)
  inspect   run the detectors over files recorded on a laptop (EDID, lsusb, ps, logs, ...)
  enroll    trade IT's one-time token for this laptop's client certificate
  run       stream findings to the collector until stopped
  status    enrollment, connection, spool and sensor states of the running agent
  config    the settings the agent runs with, where each came from, and every key (--help)
  version   print the version

Run \`farmwatch-agent <command> --help\` for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return scanCommand(rest);
    case 'inspect':
      return inspectCommand(rest);
    case 'enroll':
      return enrollCommand(rest);
    case 'run':
      return runCommand(rest);
    case 'status':
      return statusCommand(rest);
    case 'config':
      return configCommand(rest);
    case 'pcap': return (await import('./cli/pcap.js')).pcapCommand(rest);
    case 'version':
    case '--version':
      process.stdout.write(`${FARMWATCH_VERSION}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`farmwatch-agent: ${message}\n`);
    process.exitCode = 2;
  },
);
