#!/usr/bin/env node
// farmwatch-collector: the fleet side of farmwatch.
import { FARMWATCH_VERSION, newProgram, runProgram } from '@farmwatch/shared';
import { serveCommand } from './cli/serve.js';
import { alertsCommands } from './cli/alerts.js';
import { devicesCommands } from './cli/devices.js';
import { tokensCommands } from './cli/tokens.js';
import { clustersCommands } from './cli/clusters.js';
import { apiTokensCommands, exclusionsCommands } from './cli/admin.js';
import { usersCommands } from './cli/users.js';
import { sitesCommands } from './cli/sites.js';
import { migrateCommand } from './cli/migrate.js';

const program = newProgram('farmwatch-collector', `farmwatch-collector ${FARMWATCH_VERSION}: receives what farmwatch agents see and raises alerts`);
serveCommand(program);
devicesCommands(program);
tokensCommands(program);
alertsCommands(program);
clustersCommands(program);
exclusionsCommands(program);
sitesCommands(program);
apiTokensCommands(program);
usersCommands(program);
migrateCommand(program);
runProgram(program);
