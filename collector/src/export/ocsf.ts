// OCSF-shaped JSON lines: each alert change as a Detection Finding (class 2004, category 2
// "Findings", OCSF 1.1), appended to a file a SIEM agent tails.
import { appendFile } from 'node:fs/promises';
import { FARMWATCH_VERSION } from '@farmwatch/shared';
import type { AlertDocument } from './document.js';

const SEVERITY_ID: Record<string, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const STATUS_ID: Record<string, number> = { open: 1, acknowledged: 2, resolved: 4, false_positive: 4 };

export function ocsfFinding(doc: AlertDocument, atMs = Date.now()): Record<string, unknown> {
  const activity = doc.change === 'new' ? 1 : 2;
  return {
    class_uid: 2004, class_name: 'Detection Finding', category_uid: 2, category_name: 'Findings',
    activity_id: activity, activity_name: activity === 1 ? 'Create' : 'Update', type_uid: 2004 * 100 + activity,
    time: atMs, severity_id: SEVERITY_ID[doc.severity] ?? 0, severity: doc.severity,
    status_id: STATUS_ID[doc.status] ?? 99, status: doc.status,
    risk_score: doc.score,
    metadata: { version: '1.1.0', product: { name: 'farmwatch-collector', vendor_name: 'farmwatch', version: FARMWATCH_VERSION }, uid: `${doc.id}-${atMs}` },
    finding_info: {
      uid: String(doc.id), title: doc.title, types: [doc.rule], created_time: doc.firstSeenMs, modified_time: doc.lastSeenMs,
      analytic: { name: doc.rule, type_id: 1, type: 'Rule' },
    },
    resources: doc.devices.map((d) => ({ uid: d.id, name: d.hostname, type: 'laptop', data: { serial: d.serial, assignee: d.assignee, public_ip: d.publicIp } })),
    device: doc.devices[0] ? { uid: doc.devices[0].id, hostname: doc.devices[0].hostname, type_id: 3, type: 'Laptop' } : undefined,
    unmapped: { scope: doc.scope, key: doc.key, occurrences: doc.occurrences, details: doc.details },
  };
}

export class OcsfFileExporter {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly path: string, private readonly count: (result: string) => void) {}

  send(doc: AlertDocument): void {
    const line = JSON.stringify(ocsfFinding(doc)) + '\n';
    this.chain = this.chain.then(() => appendFile(this.path, line, { mode: 0o640 })).then(() => this.count('delivered'), () => this.count('failed'));
  }

  flushed(): Promise<void> {
    return this.chain;
  }
}
