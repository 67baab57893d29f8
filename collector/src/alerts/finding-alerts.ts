// Which agent findings become alerts for analysts. A finding the company's policy sanctions never
// does; an informational one neither. Everything else opens (or adds to) one alert per device,
// detector and key, so a tool seen on every scan is one alert, and one that comes back after it
// went away counts one more occurrence.
import type { AlertRecord, FindingRecord } from '../store/records.js';

const ALERTING = new Set(['low', 'medium', 'high', 'critical']);

export function alertForFinding(f: FindingRecord, atMs: number, newOccurrence: boolean): AlertRecord | undefined {
  if (f.sanctioned || !ALERTING.has(f.severity)) return undefined;
  return { deviceId: f.deviceId, rule: f.detector, key: f.key, severity: f.severity, title: f.title, atMs, newOccurrence };
}
