// A real collector for one test file of probes: a temporary folder with its SQLite database, a
// fresh PKI made by the project's own script, `farmwatch-collector serve` on 127.0.0.1 port 0;
// stopped and removed after the file. Call it at the top level of the file: the fields are set
// before the first test runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Category, Severity } from '@farmwatch/proto';
import { afterAll, beforeAll, expect } from 'vitest';
import { enrollLaptop, type EnrolledLaptop, type Laptop } from './enroll.js';
import { makePki, type Pki } from './pki.js';
import { startCollector, type RunningCollector } from './processes.js';
import { RawIngestClient } from './raw-client.js';

export interface ProbeCollector {
  dir: string;
  db: string;
  pki: Pki;
  collector: RunningCollector;
}

export function probeCollector(name: string, serveArgs: string[] = []): ProbeCollector {
  const p = {} as ProbeCollector;
  beforeAll(async () => {
    p.dir = mkdtempSync(join(tmpdir(), `farmwatch-${name}-`));
    p.db = join(p.dir, 'collector.db');
    p.pki = makePki();
    p.collector = await startCollector(p.db, p.pki.dir, serveArgs);
  });
  afterAll(async () => {
    await p.collector?.stop();
    rmSync(p.dir, { recursive: true, force: true });
    rmSync(p.pki.dir, { recursive: true, force: true });
  });
  return p;
}

/** A laptop enrolls and reports AnyDesk running: on a new collector, that is alert 1. */
export async function anyDeskLaptop(p: ProbeCollector, laptop: Laptop): Promise<EnrolledLaptop> {
  const enrolled = await enrollLaptop(p.collector.address, p.db, p.pki.ca, laptop);
  const client = new RawIngestClient(p.collector.address, enrolled);
  const r = await client.exchange([{ hello: { ...enrolled.hello, clockMs: Date.now() } }, { batch: { events: [{ sequence: 1, observedAtMs: Date.now(), finding: {
    detector: 'remote_access.process', key: 'anydesk', category: Category.CATEGORY_REMOTE_ACCESS, severity: Severity.SEVERITY_MEDIUM, confidence: 80,
    title: 'AnyDesk is running', catalogEntry: 'anydesk', firstSeenMs: Date.now(), evidence: [{ field: 'process.name', value: 'AnyDesk.exe' }],
  } }] } }]);
  client.close();
  expect(r.error).toBeUndefined();
  return enrolled;
}
