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

/**
 * Control characters (C0, DEL, C1) and Unicode line and paragraph separators: none may reach a
 * receiver raw. A bare CR or a U+2028 ends a line for some parsers, and a hostname an agent sends
 * could otherwise start a forged record there.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const noControls = (v: string): string => v.replace(CONTROLS, ' ');
/** RFC 5424 PARAM-VALUE: '"', '\' and ']' escaped (section 6.3.3); controls become spaces. */
const sdValue = (v: string): string => noControls(v).replace(/[\\"\]]/g, (c) => `\\${c}`);
/** CEF header fields: '|' and '\' escaped; no line breaks or other controls. */
const cefHeader = (v: string): string => noControls(v).replace(/[\\|]/g, (c) => `\\${c}`);
/** CEF extension values: '\' and '=' escaped, CR and LF as \r and \n (the CEF rules), other controls as spaces. */
const cefExt = (v: string): string => v.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(CONTROLS, ' ');

function header(doc: AlertDocument, msgId: string, atMs: number): string {
  const pri = FACILITY * 8 + (SYSLOG_SEVERITY[doc.severity] ?? 6);
  return `<${pri}>1 ${new Date(atMs).toISOString()} ${hostname() || '-'} farmwatch-collector ${process.pid} ${msgId}`;
}

export function rfc5424(doc: AlertDocument, atMs = Date.now()): string {
  const sd = [
    ['alert', String(doc.id)], ['rule', doc.rule], ['severity', doc.severity], ['score', String(doc.score)],
    ['status', doc.status], ['change', doc.change], ['devices', doc.devices.map((d) => d.id).join(',')],
  ].map(([k, v]) => `${k}="${sdValue(v ?? '')}"`).join(' ');
  return `${header(doc, 'ALERT', atMs)} [${SD_ID} ${sd}] ${noControls(doc.title)}`;
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
