// What IT says about a laptop before shipping it, checked field by field with errors that say how
// to write the value.
import type { RegistrationInput } from '../store/fleet-records.js';
import { parseShipTo } from './ship-to.js';

export interface RawRegistration {
  serial?: string;
  assignee?: string;
  shipTo?: string;
  timeZone?: string;
  /** A simulated laptop of the demo fleet. */
  demo?: boolean;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return /\//.test(tz) || tz === 'UTC';
  } catch {
    return false;
  }
}

/** "Jane Doe <jane@example.com>" -> name and e-mail. */
export function parseAssignee(text: string): { name: string; email: string } {
  const m = /^\s*(.+?)\s*<\s*([^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)\s*>\s*$/.exec(text);
  if (!m?.[1] || !m[2]) throw new Error(`assignee "${text}" should be "Name <email>" (for example "Jane Doe <jane.doe@example.com>")`);
  return { name: m[1], email: m[2].toLowerCase() };
}

export function checkRegistration(raw: RawRegistration): RegistrationInput {
  const serial = (raw.serial ?? '').trim();
  if (!serial) throw new Error('serial is empty: give the hardware serial number printed on the laptop (the one its firmware reports)');
  if (serial.length > 64 || !/^[\x21-\x7e]+$/.test(serial)) {
    throw new Error(`serial "${serial}" should be at most 64 printable characters without spaces`);
  }
  const { name, email } = parseAssignee(raw.assignee ?? '');
  const shipTo = parseShipTo(raw.shipTo ?? '');
  const timeZone = (raw.timeZone ?? '').trim();
  if (!isTimeZone(timeZone)) throw new Error(`time zone "${timeZone}" is not an IANA time zone: use Area/City, for example "America/Chicago"`);
  return {
    serial, assigneeName: name, assigneeEmail: email,
    shipTo: [shipTo.city, shipTo.region, shipTo.country].filter(Boolean).join(', '),
    shipCountry: shipTo.countryCode, shipLat: shipTo.lat, shipLon: shipTo.lon, timeZone,
    ...(raw.demo ? { demo: true } : {}),
  };
}
