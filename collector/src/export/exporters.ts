// Where alerts go besides the API: webhooks, syslog (RFC 5424 or CEF over UDP/TCP/TLS), an
// OCSF JSON-lines file. New, reopened and escalated alerts are exported; suppressed ones are not.
import type { Logger } from '@farmwatch/shared';
import type { AlertChange, Store } from '../store/store.js';
import type { Metrics } from '../metrics.js';
import { alertDocument } from './document.js';
import { WebhookExporter, type WebhookOptions } from './webhook.js';
import { SyslogExporter, type SyslogOptions } from './syslog.js';
import { OcsfFileExporter } from './ocsf.js';

export interface ExportConfig {
  webhooks?: WebhookOptions[];
  syslog?: SyslogOptions[];
  ocsfFile?: string;
}

export class Exporters {
  readonly webhooks: WebhookExporter[];
  readonly syslog: SyslogExporter[];
  readonly ocsf: OcsfFileExporter | undefined;

  constructor(private readonly store: Store, config: ExportConfig, log: Logger, metrics: Metrics) {
    const count = (exporter: string) => (result: string) => metrics.exports.inc({ exporter, result });
    this.webhooks = (config.webhooks ?? []).map((w) => new WebhookExporter(w, log, count('webhook')));
    this.syslog = (config.syslog ?? []).map((s) => new SyslogExporter(s, log, count(`syslog-${s.format}`)));
    this.ocsf = config.ocsfFile ? new OcsfFileExporter(config.ocsfFile, count('ocsf')) : undefined;
  }

  onChange(c: AlertChange): void {
    if (c.change === 'updated') return;
    if (this.webhooks.length + this.syslog.length === 0 && !this.ocsf) return;
    const doc = alertDocument(this.store, c);
    if (!doc) return;
    const row = this.store.alert(c.id);
    if (row?.suppressedBy !== null && row?.suppressedBy !== undefined) return;
    for (const w of this.webhooks) w.send(doc);
    for (const s of this.syslog) s.send(doc);
    this.ocsf?.send(doc);
  }

  async close(): Promise<void> {
    for (const w of this.webhooks) w.close();
    for (const s of this.syslog) s.close();
    await this.ocsf?.flushed();
  }
}
