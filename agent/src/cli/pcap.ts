// farmwatch-agent pcap FILE: the flows of a capture file with what each one is (VPN tunnel, remote
// desktop, SSH, web...), how sure, and why. A damaged or cut file still prints the flows read
// before the bad spot, then says what is wrong; exit status 2 then.
import { stat } from 'node:fs/promises';
import { builtinCatalog, describeFileError } from '@farmwatch/shared';
import { analyzeCaptureFile, type AnalyzeResult } from '../packets/analyze-file.js';
import { CatalogDomains, domainRulesFromCatalog } from '../packets/classify/domains.js';
import { PROTOCOL_NAMES } from '../packets/classify/types.js';
import type { FlowSummary } from '../packets/flows/flow-table.js';
import type { ReadProgress } from '../packets/read/read-file.js';
import { UsageError } from './args.js';

const PROGRESS_FROM_BYTES = 8 * 1024 * 1024;

function progressBar(total: number): { update(p: ReadProgress): void; done(): void } | undefined {
  if (!process.stderr.isTTY || total < PROGRESS_FROM_BYTES) return undefined;
  let last = 0;
  let longest = 0;
  const width = 30;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.bytesRead < p.totalBytes) return;
      last = now;
      const frac = Math.min(1, p.bytesRead / Math.max(1, p.totalBytes));
      const filled = Math.round(frac * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ` +
        `${(p.bytesRead / 1048576).toFixed(1)}/${(p.totalBytes / 1048576).toFixed(1)} MiB  ${p.packets} packets`;
      longest = Math.max(longest, line.length);
      process.stderr.write(`\r${line}`);
    },
    done() {
      // Spaces over the bar rather than an erase sequence: stderr carries no escape sequence (shared/src/terminal-text.ts).
      process.stderr.write(`\r${' '.repeat(longest)}\r`);
    },
  };
}

function labelText(f: FlowSummary): string {
  const l = f.label;
  if (l.protocol === 'unknown') return `unknown${l.portHint ? ` (port suggests ${l.portHint})` : ''}${l.catalog ? ` [catalog ${l.catalog.entryId} by ${l.catalog.via}]` : ''}`;
  const cat = l.catalog ? ` [${l.catalog.entryId}: ${l.catalog.via} ${l.catalog.value} ~ ${l.catalog.pattern}]` : '';
  return `${PROTOCOL_NAMES[l.protocol]} ${l.kind} ${l.confidence}%${cat}`;
}

function end(e: { ip: string; port: number }): string {
  const ip = e.ip.includes(':') ? `[${e.ip}]` : e.ip;
  return e.port ? `${ip}:${e.port}` : ip;
}

export function formatFlows(r: AnalyzeResult): string {
  const lines: string[] = [];
  r.flows.forEach((f, i) => {
    lines.push(`${String(i + 1).padStart(4)}  ${f.transport.padEnd(4)} ${end(f.client)} -> ${end(f.server)}  ` +
      `${f.packets.toServer}/${f.packets.toClient} pkts  ${labelText(f)}`);
    lines.push(`        ${f.label.features.join('; ')}`);
  });
  const counts = new Map<string, number>();
  for (const f of r.flows) counts.set(f.label.kind, (counts.get(f.label.kind) ?? 0) + 1);
  const skipped = Object.entries(r.skipped).map(([k, n]) => `${n} ${k}`).join(', ');
  lines.push('', `${r.packets} packets (${r.format ?? 'unknown format'}${skipped ? `; not decoded: ${skipped}` : ''}), ${r.flows.length} flows: ` +
    ([...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'));
  return lines.join('\n') + '\n';
}

/** Reads one capture file and prints its flows; exit status 2 when it could not be read to its end. */
export async function pcapFile(file: string, values: { json?: boolean }): Promise<number> {
  const size = await stat(file).then((s) => {
    if (s.isDirectory()) throw new UsageError(describeFileError(Object.assign(new Error('a folder'), { code: 'EISDIR' }), file, 'the capture file'));
    return s.size;
  }, (err: unknown) => {
    throw new UsageError(describeFileError(err, file, 'the capture file', { fix: 'give the path of a pcap or pcapng file' }));
  });
  const bar = progressBar(size);
  const domains = new CatalogDomains(domainRulesFromCatalog(builtinCatalog()));
  const result = await analyzeCaptureFile(file, { domains, onProgress: bar ? (p) => bar.update(p) : undefined });
  bar?.done();
  if (values.json) {
    const { error, ...rest } = result;
    const out = { file, ...rest, ...(error ? { error: { message: error.message, offset: error.offset, kind: error.kind } } : {}) };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    process.stdout.write(formatFlows(result));
  }
  if (result.error) {
    process.stderr.write(`farmwatch-agent pcap: ${file}: ${result.error.message}\n`);
    return 2;
  }
  return 0;
}
