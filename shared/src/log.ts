// A small structured logger: one line per record on stderr, human-readable on a terminal and JSON
// lines otherwise (or when FARMWATCH_LOG_FORMAT=json), filtered by FARMWATCH_LOG_LEVEL.
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(component: string): Logger;
}

function envLevel(): LogLevel {
  const v = process.env.FARMWATCH_LOG_LEVEL?.toLowerCase();
  return v !== undefined && v in LEVELS ? (v as LogLevel) : 'info';
}

export function createLogger(component: string, level: LogLevel = envLevel()): Logger {
  const json = process.env.FARMWATCH_LOG_FORMAT === 'json' || !process.stderr.isTTY;
  const threshold = LEVELS[level];
  const write = (lvl: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>): void => {
    if (LEVELS[lvl] < threshold) return;
    const time = new Date().toISOString();
    if (json) {
      process.stderr.write(JSON.stringify({ time, level: lvl, component, message, ...fields }) + '\n');
    } else {
      const extra = fields && Object.keys(fields).length > 0
        ? ' ' + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
        : '';
      process.stderr.write(`${time} ${lvl.padEnd(5)} [${component}] ${message}${extra}\n`);
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (sub) => createLogger(`${component}.${sub}`, level),
  };
}
