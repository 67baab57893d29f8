// farmwatch-collector serve: run the collector until stopped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@farmwatch/shared';
import { SqliteStore } from '../store/sqlite-store.js';
import { startServer } from '../server.js';
import { DEFAULT_DB, parse, UsageError } from './args.js';

export const SERVE_HELP = `Usage: farmwatch-collector serve [--listen HOST:PORT] [--db FILE] [--tls-dir DIR]

Runs the collector: agents stream to it over mutual TLS gRPC; it stores what they send in SQLite
and raises alerts.

  --listen HOST:PORT  where to listen (default 127.0.0.1:7443; port 0 picks a free port)
  --db FILE           the SQLite database (default ${DEFAULT_DB}; created when missing)
  --tls-dir DIR       folder with ca.pem, server.pem, server-key.pem (default var/certs;
                      \`npm run certs\` makes them)
`;

function readTls(dir: string, name: string): Buffer {
  const path = join(dir, name);
  try {
    return readFileSync(path);
  } catch {
    throw new UsageError(`${path} is missing: run \`npm run certs\` to make the CA and certificates, or pass --tls-dir`);
  }
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    listen: { type: 'string', default: '127.0.0.1:7443' },
    db: { type: 'string', default: DEFAULT_DB },
    'tls-dir': { type: 'string', default: 'var/certs' },
    help: { type: 'boolean', default: false },
  }, 'farmwatch-collector serve');
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  if (!/^.+:\d+$/.test(values.listen)) throw new UsageError(`--listen must be HOST:PORT, not "${values.listen}"`);
  const log = createLogger('collector');
  const tls = {
    caPem: readTls(values['tls-dir'], 'ca.pem'),
    certPem: readTls(values['tls-dir'], 'server.pem'),
    keyPem: readTls(values['tls-dir'], 'server-key.pem'),
  };
  const store = new SqliteStore(values.db);
  const server = await startServer({ listen: values.listen, tls, store, log });
  // The one line on stdout: scripts and tests read the port from it.
  process.stdout.write(`farmwatch-collector listening on ${server.host}:${server.port} (database ${values.db})\n`);
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      log.info('shutting down', { signal });
      void server.close().then(() => {
        store.close();
        resolve(0);
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
