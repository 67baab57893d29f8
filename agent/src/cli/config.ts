// farmwatch-agent config: what the agent would run with, and where each setting came from.
import { DEFAULT_CONFIG_FILE, loadConfig, settingsHelp } from '../config/index.js';
import { parse } from './args.js';

export const CONFIG_HELP = `Usage: farmwatch-agent config [show] [--config FILE] [--state-dir DIR] [--json]

Shows the configuration the agent runs with and the source of each setting. Sources, later wins:
  1. defaults
  2. the configuration file (${DEFAULT_CONFIG_FILE}, or --config FILE): a JSON object
  3. MDM: macOS managed preferences (domain com.farmwatch.agent) or the Windows policy key
     HKLM\\Software\\Policies\\farmwatch
  4. environment variables FARMWATCH_AGENT_<SETTING>, e.g. FARMWATCH_AGENT_SERVER
  5. command-line flags of \`run\`

Settings:
${settingsHelp()}
`;

export function configCommand(argv: string[]): number {
  const { values } = parse(argv, {
    config: { type: 'string' },
    'state-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  }, 'farmwatch-agent config');
  if (values.help) {
    process.stdout.write(CONFIG_HELP);
    return 0;
  }
  const { config, origins } = loadConfig({
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    flags: values['state-dir'] !== undefined ? { state_dir: values['state-dir'] } : {},
  });
  if (values.json) {
    process.stdout.write(JSON.stringify({ config, origins }, null, 2) + '\n');
    return 0;
  }
  const rows = Object.entries(config).map(([k, v]) => `  ${k.padEnd(26)} ${JSON.stringify(v) ?? 'unset'}${origins[k] ? `   (${origins[k]})` : ''}`);
  process.stdout.write(`${rows.join('\n')}\n`);
  return 0;
}
