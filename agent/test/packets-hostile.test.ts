// The agent reads packets as root, from anyone: damaged frames must never crash it. Real captures
// with bytes flipped at random (seeded, so a failure repeats) go through the decoder, the flow
// table and the classifier; the only error allowed is the reader's own CaptureFileError.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureParser } from '../src/packets/read/capture-parser.js';
import { CaptureFileError } from '../src/packets/read/types.js';
import { decodePacket } from '../src/packets/decode/packet.js';
import { FlowTable } from '../src/packets/flows/flow-table.js';
import { CatalogDomains } from '../src/packets/classify/domains.js';

const dir = join(import.meta.dirname, 'fixtures', 'pcap');
const files = readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).sort();

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Flips bytes inside packet data only (after the file header), so the reader reaches the decoder. */
function mutateFrames(bytes: Buffer, rand: () => number, rate: number): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 64; i < out.length; i++) if (rand() < rate) out[i] = Math.floor(rand() * 256);
  return out;
}

describe('hostile bytes', () => {
  it.each(files)('%s with flipped bytes: no crash, every packet accounted for', (file) => {
    const original = readFileSync(join(dir, file));
    for (let round = 0; round < 20; round++) {
      const rand = prng(round * 7919 + original.length);
      const bytes = mutateFrames(original, rand, 0.02);
      const table = new FlowTable({ ctx: { domains: new CatalogDomains([]) }, maxFlows: 64 });
      let frames = 0;
      let decoded = 0;
      const parser = new CaptureParser((raw) => {
        frames++;
        const p = decodePacket(raw.linkType, raw.data, raw.tsMs);
        if (typeof p !== 'string') {
          decoded++;
          table.add(p);
        }
      });
      try {
        parser.push(bytes);
        parser.finish();
      } catch (err) {
        expect(err).toBeInstanceOf(CaptureFileError);
      }
      table.flush();
      expect(table.stats.packets).toBe(decoded);
      expect(decoded).toBeLessThanOrEqual(frames);
    }
  });
});
