// What IT says about a laptop before shipping it, checked field by field with errors that say how
// to write the value.
import type { RegistrationInput } from '../store/fleet-records.js';
import { parseShipTo } from './ship-to.js';
import { normalizeStreet, type StreetHasher } from './street-address.js';

export interface RawRegistration {
  serial?: string;
  assignee?: string;
  shipTo?: string;
  /** The street line shipped to ("1402 Oak Street, Apt 2"); optional. Only its keyed hash is stored. */
  street?: string;
  /** The unit, when the export has it on a line of its own (address line 2: "Apt 2"). */
  unit?: string;
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

/** Street lines longer than this are not street lines. */
const MAX_STREET = 200;

/**
 * Checks what IT typed or HR exported. `hashStreet` (the collector's ship-to key) turns a street
 * line into the keyed hashes that are stored instead of it.
 */
export function checkRegistration(raw: RawRegistration, hashStreet?: StreetHasher): RegistrationInput {
  const serial = (raw.serial ?? '').trim();
  if (!serial) throw new Error('serial is empty: give the hardware serial number printed on the laptop (the one its firmware reports)');
  if (serial.length > 64 || !/^[\x21-\x7e]+$/.test(serial)) {
    throw new Error(`serial "${serial}" should be at most 64 printable characters without spaces`);
  }
  const { name, email } = parseAssignee(raw.assignee ?? '');
  const shipTo = parseShipTo(raw.shipTo ?? '');
  const timeZone = (raw.timeZone ?? '').trim();
  if (!isTimeZone(timeZone)) throw new Error(`time zone "${timeZone}" is not an IANA time zone: use Area/City, for example "America/Chicago"`);
  const street = (raw.street ?? '').trim();
  const unit = (raw.unit ?? '').trim();
  if (!street && unit) throw new Error(`unit "${unit}" has no street: give the street line too (for example "1402 Oak Street"), or leave both empty`);
  if (street.length > MAX_STREET || unit.length > MAX_STREET) throw new Error(`street "${street.slice(0, 40)}…" is longer than ${MAX_STREET} characters: give only the street line and unit`);
  let hashes = {};
  if (street) {
    if (!hashStreet) throw new Error('a street was given but this collector has no ship-to key to hash it with');
    hashes = hashStreet({ countryCode: shipTo.countryCode, lat: shipTo.lat, lon: shipTo.lon, city: shipTo.city, region: shipTo.region }, normalizeStreet(street, unit));
  }
  return {
    serial, assigneeName: name, assigneeEmail: email,
    shipTo: [shipTo.city, shipTo.region, shipTo.country].filter(Boolean).join(', '),
    shipCountry: shipTo.countryCode, shipLat: shipTo.lat, shipLon: shipTo.lon, timeZone,
    ...(raw.demo ? { demo: true } : {}),
    ...hashes,
  };
}
