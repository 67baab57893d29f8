// Alert lines for syslog receivers: RFC 5424 with structured data, and ArcSight CEF (carried as
// the message of an RFC 5424 line). Escaping follows each format's rules so an alert title can
// never break the line's structure.
import { hostname } from 'node:os';
import { FARMWATCH_VERSION } from '@farmwatch/shared';
import type { AlertDocument } from './document.js';

/** RFC 5424 severities: critical 2, error 3, warning 4, notice 5, informational 6. */
const SYSLOG_SEVERITY: Record<string, number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };
/** CEF severity 0..10. */
const CEF_SEVERITY: Record<string, number> = { critical: 10, high: 8, medium: 5, low: 3, info: 1 };
/** Facility 10: security/authorization messages (RFC 5424 table 1). */
const FACILITY = 10;
/** Our private enterprise number placeholder for SD-IDs is avoided: "farmwatch@32473" uses the documentation PEN (RFC 5612). */
const SD_ID = 'farmwatch@32473';

const sdValue = (v: string): string => v.replace(/[\\"\]]/g, (c) => `\\${c}`);
const cefHeader = (v: string): string => v.replace(/[\\|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
const cefExt = (v: string): string => v.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');

function header(doc: AlertDocument, msgId: string, atMs: number): string {
  const pri = FACILITY * 8 + (SYSLOG_SEVERITY[doc.severity] ?? 6);
  return `<${pri}>1 ${new Date(atMs).toISOString()} ${hostname() || '-'} farmwatch-collector ${process.pid} ${msgId}`;
}

export function rfc5424(doc: AlertDocument, atMs = Date.now()): string {
  const sd = [
    ['alert', String(doc.id)], ['rule', doc.rule], ['severity', doc.severity], ['score', String(doc.score)],
    ['status', doc.status], ['change', doc.change], ['devices', doc.devices.map((d) => d.id).join(',')],
  ].map(([k, v]) => `${k}="${sdValue(v ?? '')}"`).join(' ');
  return `${header(doc, 'ALERT', atMs)} [${SD_ID} ${sd}] ${doc.title.replace(/[\r\n]+/g, ' ')}`;
}

export function cef(doc: AlertDocument, atMs = Date.now()): string {
  const ext = [
    ['rt', String(atMs)], ['externalId', String(doc.id)], ['cs1Label', 'status'], ['cs1', doc.status],
    ['cs2Label', 'devices'], ['cs2', doc.devices.map((d) => `${d.id} ${d.hostname} ${d.assignee}`.trim()).join('; ')],
    ['cn1Label', 'score'], ['cn1', String(doc.score)], ['act', doc.change],
    ['dvchost', doc.devices[0]?.hostname ?? ''], ['src', doc.devices[0]?.publicIp ?? ''],
    ['msg', doc.title],
  ].filter(([, v]) => v !== '').map(([k, v]) => `${k}=${cefExt(v ?? '')}`).join(' ');
  const body = `CEF:0|farmwatch|farmwatch-collector|${cefHeader(FARMWATCH_VERSION)}|${cefHeader(doc.rule)}|${cefHeader(doc.title)}|${CEF_SEVERITY[doc.severity] ?? 1}|${ext}`;
  return `${header(doc, 'CEF', atMs)} - ${body}`;
}
