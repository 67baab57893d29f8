// Registrations from an HR or asset-management export. Column names vary between systems, so the
// header is matched loosely ("Serial Number", "serial_no", "Assigned To", "Work Email", "State").
// Every row is checked before anything is stored: one bad row imports nothing, and every problem
// is listed with its line.
import { parseCsv } from './csv.js';
import { checkRegistration } from './registration.js';
import type { RegistrationInput } from '../store/fleet-records.js';

const COLUMNS: Record<string, string[]> = {
  serial: ['serial', 'serialnumber', 'serialno', 'hardwareserial', 'assetserial', 'deviceserial', 'sn'],
  assignee: ['assignee'],
  name: ['name', 'employee', 'employeename', 'fullname', 'assignedto', 'user', 'username'],
  email: ['email', 'workemail', 'mail', 'emailaddress', 'useremail'],
  shipTo: ['shipto', 'shippingaddress', 'shiptoaddress', 'location'],
  city: ['city', 'shipcity', 'town'],
  region: ['region', 'state', 'province', 'shipstate', 'stateprovince'],
  country: ['country', 'shipcountry', 'countrycode'],
  timeZone: ['timezone', 'tz', 'iana'],
  demo: ['demo'],
};

/** The optional demo column: a simulated laptop of the demo fleet (`npm run demo`). */
function demoCell(text: string): boolean {
  const t = text.toLowerCase();
  if (t === '' || t === 'no' || t === 'false' || t === '0') return false;
  if (t === 'yes' || t === 'true' || t === '1') return true;
  throw new Error(`demo "${text}" should be yes or no (true / false, 1 / 0; empty is no)`);
}

const key = (header: string): string => header.toLowerCase().replace(/[^a-z0-9]/g, '');

export interface ImportRow {
  line: number;
  registration: RegistrationInput;
}

export interface ImportResult {
  rows: ImportRow[];
  errors: string[];
}

export function readRegistrationsCsv(text: string): ImportResult {
  const table = parseCsv(text);
  const header = table[0];
  if (!header) return { rows: [], errors: ['the file is empty: it needs a header line and one line per laptop'] };
  const index: Record<string, number> = {};
  header.cells.forEach((h, i) => {
    for (const [field, names] of Object.entries(COLUMNS)) if (names.includes(key(h)) && index[field] === undefined) index[field] = i;
  });
  const missing: string[] = [];
  if (index.serial === undefined) missing.push('serial');
  if (index.assignee === undefined && (index.name === undefined || index.email === undefined)) missing.push('assignee (or name and email)');
  if (index.shipTo === undefined && (index.city === undefined || index.country === undefined)) missing.push('ship_to (or city, state and country)');
  if (index.timeZone === undefined) missing.push('timezone');
  if (missing.length > 0) {
    return { rows: [], errors: [`line ${header.line}: the header has no column for ${missing.join(', ')} (columns found: ${header.cells.join(', ')})`] };
  }
  const rows: ImportRow[] = [];
  const errors: string[] = [];
  const seen = new Map<string, number>();
  for (const row of table.slice(1)) {
    const cell = (field: string): string => (index[field] === undefined ? '' : (row.cells[index[field]] ?? '').trim());
    try {
      const registration = checkRegistration({
        serial: cell('serial'),
        assignee: index.assignee !== undefined ? cell('assignee') : `${cell('name')} <${cell('email')}>`,
        shipTo: index.shipTo !== undefined ? cell('shipTo') : [cell('city'), cell('region'), cell('country')].filter(Boolean).join(', '),
        timeZone: cell('timeZone'),
        demo: demoCell(cell('demo')),
      });
      const before = seen.get(registration.serial.toLowerCase());
      if (before !== undefined) throw new Error(`serial ${registration.serial} is already on line ${before}`);
      seen.set(registration.serial.toLowerCase(), row.line);
      rows.push({ line: row.line, registration });
    } catch (err) {
      errors.push(`line ${row.line}: ${(err as Error).message}`);
    }
  }
  return { rows, errors };
}
