// Enrollment at start: an agent installed by MDM with a token file (postinst, pkg postinstall,
// install-service.ps1) but not enrolled yet enrolls before it runs, retrying while the collector
// cannot be reached, and removes the token once it has been used.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Hello } from '@farmwatch/proto';
import type { Logger } from '@farmwatch/shared';
import type { AgentConfig } from '../config/index.js';
import { enroll, EnrollError } from './enroll.js';
import { UnsafeFolder } from '../state/private-folder.js';

export async function ensureEnrolled(config: AgentConfig, hello: () => Promise<Hello>, log: Logger, retryMs = 60_000): Promise<void> {
  if (existsSync(config.cert_file) || !config.enroll_token_file || !existsSync(config.enroll_token_file)) return;
  if (!config.server) throw new Error('cannot enroll: no collector is configured (set "server")');
  if (!existsSync(config.ca_file)) throw new Error(`cannot enroll: the collector CA ${config.ca_file} is missing (set "ca_file" to the ca.pem IT provides)`);
  const caPem = readFileSync(config.ca_file, 'utf8');
  for (;;) {
    const token = readFileSync(config.enroll_token_file, 'utf8').trim();
    try {
      const record = await enroll({ server: config.server, caPem, token, dir: dirname(config.cert_file), hello: await hello() });
      rmSync(config.enroll_token_file, { force: true });
      log.info('enrolled', { device: record.deviceId, validUntil: new Date(record.notAfterMs).toISOString() });
      return;
    } catch (err) {
      // A refusal (used, expired or unknown token) will not fix itself: say so and stop.
      if (err instanceof EnrollError && /refused the enrollment/.test(err.message)) throw err;
      if (err instanceof UnsafeFolder) throw err;
      log.warn('enrollment did not go through; trying again', { error: (err as Error).message, retryInMs: retryMs });
      await new Promise((r) => setTimeout(r, retryMs));
    }
  }
}
