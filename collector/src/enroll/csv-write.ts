// CSV that farmwatch writes (the enrollment tokens of an import): csv-stringify for the quoting, and
// no cell a spreadsheet would run as a formula. Serials and names come from HR exports and people,
// so a cell that starts with '=', '+', '-', '@', TAB or CR (`=HYPERLINK(...)`, `@SUM(...)`) is
// written with a leading apostrophe, which spreadsheets show as text (OWASP, "CSV Injection").
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Rows as CSV text (header first), every cell neutralized. */
export function writeCsv(rows: string[][]): string {
  return stringify(rows.map((row) => row.map(neutralizeCell)), { record_delimiter: '\n' });
}
