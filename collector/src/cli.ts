#!/usr/bin/env node
// farmwatch-collector: the fleet side of farmwatch.
import { FARMWATCH_VERSION, runProgram } from '@farmwatch/shared';
import { serveCommand } from './cli/serve.js';
import { alertsCommand } from './cli/alerts.js';
import { devicesCommand } from './cli/devices.js';
import { tokensCommand } from './cli/tokens.js';
import { clustersCommand } from './cli/clusters.js';
import { apiTokensCommand, exclusionsCommand } from './cli/admin.js';
import { usersCommand } from './cli/users.js';

const HELP = `farmwatch-collector ${FARMWATCH_VERSION}: receives what farmwatch agents see and raises alerts

Usage: farmwatch-collector <command> [options]

Commands:
  serve       run the collector (enrollment and ingest over TLS gRPC, HTTP API, web console, exports)
  devices     register laptops before shipping (add, import CSV), list, show, revoke
  tokens      one-time enrollment tokens: create (re-enrollment), list
  alerts      what analysts review: list, show, ack, resolve, false-positive, note, assign, suppress
  clusters    laptops that share a home, a KVM or a remote-access peer
  exclusions  corporate egress and VPN concentrators that must not link laptops
  api-tokens  tokens for the HTTP API, with a role (admin, analyst, it)
  users       people who log in to the web console, with the same roles
  version     print the version

Run \`farmwatch-collector <command> --help\` for a command's options.
`;

runProgram('farmwatch-collector', HELP, {
  serve: serveCommand,
  alerts: alertsCommand,
  devices: devicesCommand,
  tokens: tokensCommand,
  clusters: clustersCommand,
  exclusions: exclusionsCommand,
  'api-tokens': apiTokensCommand,
  users: usersCommand,
});
