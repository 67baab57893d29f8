// Probe: `devices import` stored `=1+2` and `=HYPERLINK(...)` as given (rightly: they are data) and
// wrote them back unchanged into the CSV it prints beside the enrollment tokens, where a
// spreadsheet runs them as formulas. Every cell of a CSV we write that starts with '=', '+', '-',
// '@', TAB or CR now starts with an apostrophe; the rest of the file is as before.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { COLLECTOR_CLI, run } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'farmwatch-sec-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Serials are trimmed on import, so a TAB or CR in front reaches the CSV only inside other text.
const HOSTILE = ['=1+2', "+cmd|'/C_calc'!A0", '-2+3', '@SUM(1+1)', '\t=2+2', '\r=3+3', '=HYPERLINK("http://example.com/x","click")'];

describe('the CSV devices import prints', () => {
  it('starts no cell with a formula character, and keeps the values readable', async () => {
    const csv = ['serial,assignee,ship_to,timezone', ...HOSTILE.map((serial, i) =>
      [serial, `${i === 3 ? '@admin' : 'Pat Doe'} <pat${i}@example.com>`, 'Austin, Texas, US', 'America/Chicago'].map((c) => `"${c.replace(/"/g, '""')}"`).join(','))].join('\n');
    writeFileSync(join(dir, 'hr.csv'), csv);
    const r = await run(COLLECTOR_CLI, ['devices', 'import', join(dir, 'hr.csv'), '--db', join(dir, 'collector.db')]);
    expect(r.code, r.stderr).toBe(0);
    const rows: string[][] = parse(r.stdout);
    expect(rows[0]).toEqual(['serial', 'device_id', 'assignee', 'token', 'token_expires']);
    expect(rows).toHaveLength(HOSTILE.length + 1);
    for (const cell of rows.flat()) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows.slice(1).map((row) => row[0])).toEqual(HOSTILE.map((s) => `'${s.trim()}`));
    expect(rows[4]?.[2]).toBe("'@admin <pat3@example.com>");
    // The tokens themselves are untouched.
    for (const row of rows.slice(1)) expect(row[3]).toMatch(/^fwe_/);
  });
});
