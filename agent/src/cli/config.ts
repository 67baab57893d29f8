// farmwatch-agent config: what the agent would run with, and where each setting came from.
import { DEFAULT_CONFIG_FILE, loadConfig, settingsHelp } from '../config/index.js';
import { Argument, command, exits, type Command } from './args.js';

const SOURCES = `Sources, later wins:
  1. defaults
  2. the configuration file (${DEFAULT_CONFIG_FILE}, or --config FILE): a JSON object
  3. MDM: macOS managed preferences (domain com.farmwatch.agent) or the Windows policy key
     HKLM\\Software\\Policies\\farmwatch
  4. environment variables FARMWATCH_AGENT_<SETTING>, e.g. FARMWATCH_AGENT_SERVER
  5. command-line flags of \`run\`

Settings:
${settingsHelp()}`;

interface ConfigOptions { config?: string; stateDir?: string; json?: boolean }

function showConfig(values: ConfigOptions): number {
  const { config, origins } = loadConfig({
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    flags: values.stateDir !== undefined ? { state_dir: values.stateDir } : {},
  });
  if (values.json) {
    process.stdout.write(JSON.stringify({ config, origins }, null, 2) + '\n');
    return 0;
  }
  const rows = Object.entries(config).map(([k, v]) => `  ${k.padEnd(26)} ${JSON.stringify(v) ?? 'unset'}${origins[k] ? `   (${origins[k]})` : ''}`);
  process.stdout.write(`${rows.join('\n')}\n`);
  return 0;
}

export function configCommand(program: Command): void {
  command(program, 'config', 'the settings the agent runs with, where each came from, and every key (--help)',
    'Shows the configuration the agent runs with and the source of each setting.')
    .addArgument(new Argument('[show]', 'show the settings (the only thing config does)').choices(['show']))
    .option('--config <file>', `configuration file (default ${DEFAULT_CONFIG_FILE})`)
    .option('--state-dir <dir>', 'the state folder (identity, spool and state)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', `\n${SOURCES}`)
    .action(exits((_show: string | undefined, o: ConfigOptions) => showConfig(o)));
}
