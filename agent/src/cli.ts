#!/usr/bin/env node
// farmwatch-agent: the laptop side of farmwatch.
import './cli/quiet-warnings.js';
import { FARMWATCH_VERSION, runProgram } from '@farmwatch/shared';
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
  pcap      label every flow of a pcap/pcapng capture (VPN tunnels, remote desktop, catalog names)
  version   print the version

Run \`farmwatch-agent <command> --help\` for a command's options.
`;

runProgram('farmwatch-agent', HELP, {
  scan: scanCommand,
  inspect: inspectCommand,
  enroll: enrollCommand,
  run: runCommand,
  status: statusCommand,
  config: configCommand,
  pcap: async (argv) => (await import('./cli/pcap.js')).pcapCommand(argv),
});
