// A capture file through the whole chain: read, decode, track flows, classify. A bad or cut file
// still gives the flows read before the bad spot, with the error beside them.
import { readCaptureFile, type ReadProgress } from './read/read-file.js';
import { CaptureFileError } from './read/types.js';
import { CaptureParser, type CaptureFormat } from './read/capture-parser.js';
import { decodePacket, type SkipReason } from './decode/packet.js';
import { FlowTable, type FlowSummary } from './flows/flow-table.js';
import type { DomainMatcher } from './classify/types.js';

export interface AnalyzeOptions {
  domains: DomainMatcher;
  maxFlows?: number;
  onProgress?: (p: ReadProgress) => void;
}

export interface AnalyzeResult {
  format?: CaptureFormat;
  linkTypes: number[];
  packets: number;
  /** Frames that carried no IP we could read, by reason. */
  skipped: Partial<Record<SkipReason, number>>;
  flows: FlowSummary[];
  /** Set when the file could not be read to its end; `flows` holds what came before. */
  error?: CaptureFileError;
}

export function byStart(a: FlowSummary, b: FlowSummary): number {
  return a.firstMs - b.firstMs || a.client.port - b.client.port || a.server.port - b.server.port || a.client.ip.localeCompare(b.client.ip);
}

export async function analyzeCaptureFile(path: string, opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const flows: FlowSummary[] = [];
  const table = new FlowTable({ ctx: { domains: opts.domains }, maxFlows: opts.maxFlows, onFlowEnd: (f) => flows.push(f) });
  const result: AnalyzeResult = { linkTypes: [], packets: 0, skipped: {}, flows };
  const parser = new CaptureParser((raw) => {
    result.packets++;
    const p = decodePacket(raw.linkType, raw.data, raw.tsMs);
    if (typeof p === 'string') result.skipped[p] = (result.skipped[p] ?? 0) + 1;
    else table.add(p);
  });
  try {
    await readCaptureFile(path, parser, { onProgress: opts.onProgress });
  } catch (err) {
    if (!(err instanceof CaptureFileError)) throw err;
    result.error = err;
  }
  table.flush();
  if (parser.format) result.format = parser.format;
  result.linkTypes = parser.linkTypes();
  flows.sort(byStart);
  return result;
}
