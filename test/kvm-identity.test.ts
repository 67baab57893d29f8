// KVM identities as the agent sends them and as the collector reads them: a KVM's USB serial or
// EDID that every unit of the model ships with is no identity and links no laptops; one its owner
// changed (kvmd-edidconf rewrites the EDID's serial) links the laptops it moves between. Inputs are
// the real EDIDs of reference/edid and real kernel logs of a PiKVM and a NanoKVM, read by
// the agent's own readers, detected and turned into observations by the agent's own code.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ObservationKind, pb, type Observation } from '@farmwatch/proto';
import { builtinCatalog } from '@farmwatch/shared';
import { inspectBytes } from '../agent/src/pipeline/inspect/recognise.js';
import { detect, type HostFacts } from '../agent/src/pipeline/scan.js';
import { buildObservations } from '../agent/src/pipeline/observations.js';
import { EMPTY_POLICY } from '../agent/src/detectors/policy.js';
import { observationKey } from '../collector/src/correlate/keys.js';
import { ROOT } from './helpers/processes.js';

const EDIDS = join(ROOT, 'reference', 'edid');
const KEY = new Uint8Array(32).fill(7);

function kvmIdentities(file: string, bytes: Buffer): Observation[] {
  const facts: HostFacts = {};
  const read = inspectBytes(file, bytes, facts);
  expect(read.problem).toBeUndefined();
  const findings = detect(facts, builtinCatalog(), EMPTY_POLICY, 3);
  const observed = buildObservations(facts, findings, KEY).filter((o) => o.kind === ObservationKind.OBSERVATION_KIND_KVM_IDENTITY);
  // What the collector decodes from the wire.
  return observed.map((o) => pb.Observation.decode(pb.Observation.encode(o).finish()));
}

/** The EDID with its serial string descriptor (tag 0xFF) set to `serial`, checksum fixed: what kvmd-edidconf --set-serial does. */
function withSerialString(edid: Buffer, serial: string): Buffer {
  const out = Buffer.from(edid);
  for (let at = 54; at <= 108; at += 18) {
    if (out[at] === 0 && out[at + 1] === 0 && out[at + 3] === 0xff) {
      Buffer.from(`${serial}\n`.padEnd(13, ' ').slice(0, 13), 'ascii').copy(out, at + 5);
      let sum = 0;
      for (let i = 0; i < 127; i++) sum += out[i] as number;
      out[127] = (256 - (sum % 256)) % 256;
      return out;
    }
  }
  throw new Error('no serial string descriptor');
}

describe('KVM identities between the agent and the collector', () => {
  const files = readdirSync(EDIDS).filter((f) => f.endsWith('.hex'));

  it.each(files)('%s as shipped links nobody', (file) => {
    const identities = kvmIdentities(file, readFileSync(join(EDIDS, file)));
    expect(identities.length).toBeGreaterThan(0);
    for (const o of identities) expect(observationKey(o)).toMatchObject({ kind: 'kvm_identity', edge: undefined });
  });

  it.each([['PiKVM', 'agent/test/fixtures/golden/pikvm-dmesg/dmesg.txt'], ['NanoKVM', 'agent/test/fixtures/golden/usb-kvm/nanokvm-dmesg.txt']])(
    'a %s as shipped (USB serial from its kernel log) links nobody', (_name, file) => {
      const identities = kvmIdentities(file, readFileSync(join(ROOT, file)));
      expect(identities.map((o) => o.value)).toEqual([expect.stringMatching(/^usb:[0-9a-f]{4}:[0-9a-f]{4}:/)]);
      for (const o of identities) expect(observationKey(o)?.edge).toBeUndefined();
    });

  it('a PiKVM whose EDID serial its owner changed is an identity that links the laptops it drives', () => {
    const file = 'pikvm-v3.hex';
    const facts: HostFacts = {};
    inspectBytes(file, readFileSync(join(EDIDS, file)), facts);
    const edid = facts.displays?.[0]?.edid as Buffer;
    const identities = kvmIdentities('edid.bin', withSerialString(edid, 'FARM7-K2'));
    expect(identities.map((o) => o.value)).toEqual(['edid:LNX:7771:01010101:FARM7-K2']);
    expect(observationKey(identities[0] as Observation)).toMatchObject({ edge: 'kvm_identity', valueKey: 'edid:lnx:7771:01010101:farm7-k2' });
  });
});
