// Probe: what a collector pushes (its settings, with the fleet key and the sanctioned tools, and its
// catalog) was applied and kept as it came: whoever could put a message on the agent's stream, or
// a file in its state folder, chose what the agent looks for and which tools it excuses. Now the
// collector signs every push with its server certificate's key, and the agent applies, keeps and
// reads back only pushes signed by a server certificate of the CA it enrolled with: an unsigned,
// altered, agent-signed or foreign catalog is refused with a log line that says why, the agent
// keeps the catalog it had, and a stored copy altered on disk is not read.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushSigner, builtinCatalog, createAuthority, issueCertificate } from '@farmwatch/shared';
import { probeCollector } from '../helpers/probe-collector.js';
import { PushCollector, catalogWith } from '../helpers/push-collector.js';
import { enrollInto, killAgents, startAgent } from '../helpers/agent-run.js';
import { waitFor } from '../helpers/field.js';

const p = probeCollector('sec-signed');
let push: PushCollector;
let dir: string;
let deviceId: string;
beforeAll(async () => {
  push = await PushCollector.start(p.pki.dir);
  dir = join(p.dir, 'agent');
  deviceId = await enrollInto(p.db, p.collector.address, join(p.pki.dir, 'ca.pem'), dir, 'lt-signed');
});
afterAll(async () => {
  killAgents();
  await push?.stop();
});

const REFUSED = 'refused a catalog update; keeping the current catalog';

describe.runIf(process.platform === 'linux')('signed pushes', () => {
  it('the built agent applies the settings the real collector pushes, signed with its server certificate', async () => {
    const agent = startAgent(dir, p.collector.address);
    const applied = await agent.waitForLog((l) => l.message === 'applied the configuration the collector pushed');
    expect(applied.version).toMatch(/^[0-9a-f]{16}$/);
    expect(agent.lines().filter((l) => l.message.startsWith('refused'))).toEqual([]);
    expect((await agent.stop()).code).toBe(0);
  });

  it('refuses an unsigned, altered, agent-signed or foreign-signed catalog, and keeps the signed one it had, across a restart', async () => {
    const builtin = builtinCatalog();
    const good = catalogWith(builtin, 'probe-signed', ['probe-signed-tool']);
    const unsigned = catalogWith(builtin, 'probe-unsigned', ['probe-unsigned-tool']);
    const altered = push.signedCatalog(catalogWith(builtin, 'probe-altered', ['probe-altered-tool'])).catalog;
    const payload = Buffer.from(altered.signed?.payload ?? []);
    payload[payload.indexOf('probe-altered-tool')] = 'P'.charCodeAt(0);
    const agentSigner = new PushSigner({ certPem: readFileSync(join(dir, 'agent.pem')), keyPem: readFileSync(join(dir, 'agent-key.pem')) });
    const otherCa = await createAuthority('not the collector CA', 30);
    const foreign = new PushSigner(await issueCertificate(otherCa, { commonName: 'farmwatch-collector', usage: 'server', days: 30, ipAddresses: ['127.0.0.1'] }));
    push.pushes = [
      push.signedCatalog(good),
      { catalog: { version: unsigned.version ?? '', catalog: unsigned } },
      { catalog: { ...altered, signed: { ...altered.signed, payload } } },
      push.signedCatalog(catalogWith(builtin, 'probe-agent', ['probe-agent-tool']), agentSigner),
      push.signedCatalog(catalogWith(builtin, 'probe-foreign', ['probe-foreign-tool']), foreign),
    ];
    const agent = startAgent(dir, push.address);
    await agent.waitForLog((l) => l.message === 'switched to the catalog the collector pushed' && l.version === good.version);
    await waitFor(() => agent.lines().filter((l) => l.message === REFUSED).length >= 4, 20_000, () => agent.proc.output());
    const refusals = agent.lines().filter((l) => l.message === REFUSED);
    expect(refusals.map((l) => l.level)).toEqual(['error', 'error', 'error', 'error']);
    expect(refusals.map((l) => l.current)).toEqual([good.version, good.version, good.version, good.version]);
    const reasons = refusals.map((l) => String(l.error));
    expect(reasons[0]).toMatch(/^it is not signed/);
    expect(reasons[1]).toMatch(/^its signature does not match its content: it was changed after the signing certificate \(CN=farmwatch-collector, serial [0-9A-F]+\) signed it$/);
    expect(reasons[2]).toMatch(new RegExp(`^the signing certificate \\(CN=${deviceId}, serial [0-9A-F]+\\) is not a server certificate \\(no serverAuth usage\\)`));
    expect(reasons[3]).toMatch(/^the signing certificate \(CN=farmwatch-collector, serial [0-9A-F]+\) was not issued by the CA this agent enrolled with \(.*ca\.pem\)$/);
    expect((await agent.stop()).code).toBe(0);

    // The next start reads the stored copy, checks it again, and says so in its Hello.
    push.pushes = [];
    const hellos = push.hellos.length;
    const again = startAgent(dir, push.address);
    await waitFor(() => push.hellos.length > hellos, 20_000, () => again.proc.output());
    expect(push.hellos.at(-1)?.catalogVersion).toBe(good.version);
    expect((await again.stop()).code).toBe(0);

    // Altered on disk, the stored copy is not read: the agent starts on its built-in catalog.
    const file = join(dir, 'catalog.signed.pb');
    const stored = readFileSync(file);
    stored[stored.indexOf('probe-signed-tool')] = 'P'.charCodeAt(0);
    writeFileSync(file, stored);
    const third = startAgent(dir, push.address);
    const warning = await third.waitForLog((l) => l.message.startsWith('ignoring the stored pushed catalog'));
    expect(warning.error).toMatch(/^its signature does not match its content/);
    await waitFor(() => push.hellos.length > hellos + 1, 20_000, () => third.proc.output());
    expect(push.hellos.at(-1)?.catalogVersion).toBe(builtinCatalog().version);
    expect((await third.stop()).code).toBe(0);
  });
});
