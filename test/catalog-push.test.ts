// The collector hands its catalog to an agent that runs another one, right after HelloAck and the
// fleet settings, signed with its server certificate; an agent on the collector's catalog gets none.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pb } from '@farmwatch/proto';
import { PUSH_KIND, PushVerifier, builtinCatalog } from '@farmwatch/shared';
import { makePki, type Pki } from './helpers/pki.js';
import { startCollector, type RunningCollector } from './helpers/processes.js';
import { enrollLaptop } from './helpers/enroll.js';
import { RawIngestClient } from './helpers/raw-client.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

let pki: Pki;
let work: string;
let collector: RunningCollector;
beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-catalog-push-'));
  collector = await startCollector(join(work, 'c.db'), pki.dir);
});
afterAll(async () => {
  await collector.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

describe('catalog push', () => {
  it('sends the collector\'s catalog to an agent on another version only', async () => {
    const laptop = await enrollLaptop(collector.address, join(work, 'c.db'), pki.ca, {
      serial: 'CAT-1', assignee: 'Cat Alog <cat@example.com>', shipTo: 'Dublin, Leinster, Ireland', timeZone: 'Europe/Dublin', hostname: 'cat',
    });
    const client = new RawIngestClient(collector.address, laptop);
    const old = await client.exchange([{ hello: { ...laptop.hello, catalogVersion: '0123456789abcdef' } }, { batch: { events: [{ sequence: 1, observedAtMs: Date.now(), heartbeat: { uptimeMs: 1 } }] } }], 1);
    expect(old.received[0]?.body).toBe('helloAck');
    const update = old.catalogs[0]?.catalog;
    expect(update?.version).toBe(builtinCatalog().version);
    // Sent signed only: the payload, checked against the CA the laptop enrolled with, is the catalog.
    expect(update?.catalog).toBeFalsy();
    const pushed = pb.CatalogUpdate.decode(new PushVerifier(pki.ca).verify(update?.signed, PUSH_KIND.catalog));
    expect(pushed.version).toBe(builtinCatalog().version);
    expect(pushed.catalog?.remoteAccess?.length).toBe(builtinCatalog().remoteAccess?.length);
    const current = await client.exchange([{ hello: laptop.hello }, { batch: { events: [{ sequence: 2, observedAtMs: Date.now(), heartbeat: { uptimeMs: 2 } }] } }], 1);
    expect(current.received.some((m) => m.body === 'ack')).toBe(true);
    expect(current.catalogs).toHaveLength(0);
    client.close();
  });
});
