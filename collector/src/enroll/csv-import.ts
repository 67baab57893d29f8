// Registrations from an HR or asset-management export. Column names vary between systems, so the
// header is matched loosely ("Serial Number", "serial_no", "Assigned To", "Work Email", "State").
// Every row is checked before anything is stored: one bad row imports nothing, and every problem
// is listed with its line, malformed CSV (a stray quote, a quote never closed) included. The CSV
// itself is read by csv-parse.
import { parse, type CsvError, type Info } from 'csv-parse/sync';
import { checkRegistration } from './registration.js';
import type { StreetHasher } from './street-address.js';
import type { RegistrationInput } from '../store/fleet-records.js';

const COLUMNS: Record<string, string[]> = {
  serial: ['serial', 'serialnumber', 'serialno', 'hardwareserial', 'assetserial', 'deviceserial', 'sn'],
  assignee: ['assignee'],
  name: ['name', 'employee', 'employeename', 'fullname', 'assignedto', 'user', 'username'],
  email: ['email', 'workemail', 'mail', 'emailaddress', 'useremail'],
  shipTo: ['shipto', 'shippingaddress', 'shiptoaddress', 'location'],
  street: ['street', 'streetaddress', 'address', 'address1', 'addressline1', 'street1', 'shipstreet', 'shiptostreet', 'shippingstreet'],
  unit: ['unit', 'address2', 'addressline2', 'street2', 'apt', 'apartment', 'suite', 'shipunit'],
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

interface CsvRow {
  line: number;
  cells: string[];
}

interface Problem {
  line: number;
  message: string;
}

/** Line number (from 1) of each byte offset of `bytes`: CRLF, LF and CR each end a line. */
function lineNumbers(bytes: Buffer): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a)) starts.push(i + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

const CSV_PROBLEMS: Partial<Record<CsvError['code'], string>> = {
  INVALID_OPENING_QUOTE: 'a quote in the middle of a field; quote the whole field and double the quotes inside',
  CSV_INVALID_CLOSING_QUOTE: 'text after the closing quote of a quoted field (a stray or unclosed quote?); quote the whole field and double the quotes inside',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text after the closing quote of a quoted field (a stray or unclosed quote?); quote the whole field and double the quotes inside',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed before the end of the file',
};

/**
 * The records of a CSV file with the line each starts on. A malformed record is a problem on its
 * line and the others are still read, so one reading lists every problem.
 */
function readCsv(text: string): { rows: CsvRow[]; problems: Problem[] } {
  const bytes = Buffer.from(text, 'utf8');
  const lineOf = lineNumbers(bytes);
  const problems: Problem[] = [];
  let records: { record: string[]; info: Info }[];
  try {
    records = parse(bytes, {
      // trim: spaces around a field and its quotes, as in `Austin, "Okafor, Chidi"` (cells are trimmed anyway).
      bom: true, trim: true, relax_column_count: true, skip_empty_lines: true, info: true, skip_records_with_error: true,
      on_skip: (err) => {
        if (!err) return undefined;
        // The parser's offset at the problem (its `lines` counts a CRLF inside quotes twice).
        const line = lineOf(typeof err.bytes === 'number' ? err.bytes : 0);
        // A broken quote can leave the parser inside a field to the end of the file: one problem a line.
        if (problems.at(-1)?.line !== line) problems.push({ line, message: CSV_PROBLEMS[err.code] ?? err.message });
        return undefined;
      },
    }) as unknown as { record: string[]; info: Info }[];
  } catch (err) {
    return { rows: [], problems: [{ line: 1, message: `the file cannot be read as CSV: ${(err as Error).message}` }] };
  }
  const rows = records.map(({ record, info }) => {
    // info.bytes is the offset after the record (and its line break): the record ends on the line
    // of the byte before, and starts as many lines earlier as its fields hold line breaks.
    const breaks = record.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    return { line: lineOf(Math.max(0, info.bytes - 1)) - breaks, cells: record };
  });
  return { rows, problems };
}

/** Problems in the order of the file, malformed records and wrong rows together. */
const inOrder = (problems: Problem[]): string[] => problems.sort((a, b) => a.line - b.line).map((p) => `line ${p.line}: ${p.message}`);

/**
 * The laptops of an HR / asset CSV export, checked row by row; `registeredAs` says which device
 * already has a serial (a row for it is a problem too); `hashStreet` hashes the optional street
 * column (and unit column) with the collector's ship-to key.
 */
export function readRegistrationsCsv(text: string, registeredAs?: (serial: string) => string | undefined, hashStreet?: StreetHasher): ImportResult {
  const { rows: table, problems } = readCsv(text);
  const header = table[0];
  if (!header) {
    const empty = problems.length === 0 ? ['the file is empty: it needs a header line and one line per laptop'] : [];
    return { rows: [], errors: [...empty, ...inOrder(problems)] };
  }
  // The header itself is malformed: the columns are unknown, so the rows cannot be judged.
  if (problems.some((p) => p.line < header.line)) return { rows: [], errors: inOrder(problems) };
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
    problems.push({ line: header.line, message: `the header has no column for ${missing.join(', ')} (columns found: ${header.cells.join(', ')})` });
    return { rows: [], errors: inOrder(problems) };
  }
  const rows: ImportRow[] = [];
  const seen = new Map<string, number>();
  for (const row of table.slice(1)) {
    const cell = (field: string): string => (index[field] === undefined ? '' : (row.cells[index[field]] ?? '').trim());
    try {
      const registration = checkRegistration({
        serial: cell('serial'),
        assignee: index.assignee !== undefined ? cell('assignee') : `${cell('name')} <${cell('email')}>`,
        shipTo: index.shipTo !== undefined ? cell('shipTo') : [cell('city'), cell('region'), cell('country')].filter(Boolean).join(', '),
        timeZone: cell('timeZone'),
        street: cell('street'),
        unit: cell('unit'),
        demo: demoCell(cell('demo')),
      }, hashStreet);
      const before = seen.get(registration.serial.toLowerCase());
      if (before !== undefined) throw new Error(`serial ${registration.serial} is already on line ${before}`);
      const owner = registeredAs?.(registration.serial);
      if (owner !== undefined) throw new Error(`serial ${registration.serial} is already registered as ${owner}`);
      seen.set(registration.serial.toLowerCase(), row.line);
      rows.push({ line: row.line, registration });
    } catch (err) {
      problems.push({ line: row.line, message: (err as Error).message });
    }
  }
  return { rows, errors: inOrder(problems) };
}
