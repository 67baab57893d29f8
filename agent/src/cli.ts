#!/usr/bin/env node
// farmwatch-agent: the laptop side of farmwatch.
import './cli/quiet-warnings.js';
import { FARMWATCH_VERSION, newProgram, runProgram } from '@farmwatch/shared';
import { scanCommand } from './cli/scan.js';
import { runCommand } from './cli/run.js';
import { statusCommand } from './cli/status.js';
import { configCommand } from './cli/config.js';
import { inspectCommand } from './cli/inspect.js';
import { enrollCommand } from './cli/enroll.js';
import { pcapCommand } from './cli/pcap-command.js';

// The version names the Node.js the agent runs on: the one its executable embeds, whose security
// fixes a deployment depends on.
const program = newProgram('farmwatch-agent', `farmwatch-agent ${FARMWATCH_VERSION}: finds remote-access tools, KVMs and VPN hops on this laptop`,
  `${FARMWATCH_VERSION} (Node.js ${process.versions.node})`);
scanCommand(program);
inspectCommand(program);
enrollCommand(program);
runCommand(program);
statusCommand(program);
configCommand(program);
pcapCommand(program);
runProgram(program);
