// What IT types and what HR exports: checked field by field, with errors that say how to write it.
import { describe, expect, it } from 'vitest';
import { checkRegistration, parseAssignee, parseShipTo, readRegistrationsCsv, hashToken, looksLikeToken, newToken } from '../src/index.js';

describe('registration fields', () => {
  it('reads "Name <email>" and refuses anything else', () => {
    expect(parseAssignee('Jane Q. Doe <Jane.Doe@Example.com>')).toEqual({ name: 'Jane Q. Doe', email: 'jane.doe@example.com' });
    expect(() => parseAssignee('jane@example.com')).toThrow('assignee "jane@example.com" should be "Name <email>" (for example "Jane Doe <jane.doe@example.com>")');
  });

  it('resolves "City, Region, Country" to a country code and coordinates', () => {
    expect(parseShipTo('Austin, Texas, US')).toMatchObject({ countryCode: 'US', cityTimeZone: 'America/Chicago' });
    expect(parseShipTo('Austin, TX, United States').lat).toBeCloseTo(30.27, 1);
    expect(parseShipTo('Portland, Oregon, USA').lon).toBeCloseTo(-122.6, 0);
    expect(parseShipTo('Portland, Maine, USA').lon).toBeCloseTo(-70.2, 0);
    // A small town not in the table: the country still counts, the distance rule has no point.
    expect(parseShipTo('Smallville, Kansas, US')).toMatchObject({ countryCode: 'US', lat: null, lon: null });
    expect(() => parseShipTo('Atlantis')).toThrow(/should be "City, Region, Country"/);
    expect(() => parseShipTo('Paris, Narnia')).toThrow(/country "Narnia" is not a country this collector knows/);
  });

  it('wants an IANA time zone and a printable serial', () => {
    const ok = { serial: 'C02FK1ABMD6M', assignee: 'A B <a@b.co>', shipTo: 'Berlin, Berlin, Germany', timeZone: 'Europe/Berlin' };
    expect(checkRegistration(ok)).toMatchObject({ shipCountry: 'DE', timeZone: 'Europe/Berlin' });
    expect(() => checkRegistration({ ...ok, timeZone: 'CET-ish' })).toThrow(/not an IANA time zone: use Area\/City/);
    expect(() => checkRegistration({ ...ok, serial: 'has space' })).toThrow(/printable characters without spaces/);
    expect(() => checkRegistration({ ...ok, serial: '' })).toThrow(/serial is empty/);
  });
});

describe('CSV exports', () => {
  it('matches the columns of an asset-management export, quoted fields and all', () => {
    const csv = '\uFEFFAsset Serial,Assigned To,E-mail,Ship City,Ship State,Country Code,TZ\r\n' +
      'PF3ZQ8B1,"Okafor, Chidi",chidi@example.com,Atlanta,GA,US,America/New_York\r\n' +
      '"5CG ""A"" 1","Lee, Sam",sam@example.com,Austin,Texas,US,America/Chicago\r\n';
    const r = readRegistrationsCsv(csv);
    expect(r.rows.map((x) => [x.line, x.registration.serial, x.registration.assigneeName])).toEqual([[2, 'PF3ZQ8B1', 'Okafor, Chidi']]);
    expect(r.errors).toEqual(['line 3: serial "5CG "A" 1" should be at most 64 printable characters without spaces']);
  });

  it('names the missing columns, and repeated serials', () => {
    expect(readRegistrationsCsv('serial,name\nX1,Al\n').errors[0]).toMatch(/^line 1: the header has no column for assignee \(or name and email\), ship_to \(or city, state and country\), timezone/);
    const dup = readRegistrationsCsv('serial,assignee,ship_to,timezone\nX1,A <a@b.co>,"Austin, Texas, US",America/Chicago\nx1,B <b@b.co>,"Austin, Texas, US",America/Chicago\n');
    expect(dup.errors).toEqual(['line 3: serial x1 is already on line 2']);
    expect(readRegistrationsCsv('serial,assignee\n"X1,A\n').errors).toContain('line 2: a quoted field is not closed before the end of the file');
  });
});

describe('malformed CSV', () => {
  const header = 'serial,assignee,ship_to,timezone';
  const ok = (serial: string): string => `${serial},A B <a@b.co>,"Austin, Texas, US",America/Chicago`;

  it('names the line of each malformed record and still reads the others, lines counted as an editor shows them', () => {
    // A quoted field over two lines (CRLF inside), a stray quote in the middle of a field, a bad e-mail.
    const csv = [header, ok('S1'), 'S2,A B <a@b.co>,"Austin,\r\nTexas, US",America/Chicago', ok('S3'), 'S4,A "B" <a@b.co>,"Austin, Texas, US",America/Chicago',
      'S5,nobody,"Austin, Texas, US",America/Chicago', ok('S6')].join('\r\n') + '\r\n';
    const r = readRegistrationsCsv(csv);
    expect(r.rows.map((x) => [x.line, x.registration.serial])).toEqual([[2, 'S1'], [3, 'S2'], [5, 'S3'], [8, 'S6']]);
    expect(r.errors).toEqual([
      'line 6: a quote in the middle of a field; quote the whole field and double the quotes inside',
      'line 7: assignee "nobody" should be "Name <email>" (for example "Jane Doe <jane.doe@example.com>")',
    ]);
  });

  it('takes spaces around a quoted field, as people type them', () => {
    const r = readRegistrationsCsv(`${header}\nS1, A B <a@b.co> , "Austin, Texas, US" ,America/Chicago\n`);
    expect(r.errors).toEqual([]);
    expect(r.rows[0]?.registration).toMatchObject({ serial: 'S1', assigneeName: 'A B', shipTo: 'Austin, Texas, US' });
  });

  it('says where a quote is never closed, or text follows a closing quote, once', () => {
    expect(readRegistrationsCsv([header, ok('S1'), '"S2,A B <a@b.co>'].join('\n')).errors).toEqual(['line 3: a quoted field is not closed before the end of the file']);
    expect(readRegistrationsCsv([header, ok('S1'), '"S2"x,A B <a@b.co>,"Austin, Texas, US",America/Chicago'].join('\n')).errors)
      .toEqual(['line 3: text after the closing quote of a quoted field (a stray or unclosed quote?); quote the whole field and double the quotes inside']);
  });

  it('judges no row when the header itself is malformed', () => {
    expect(readRegistrationsCsv(['ser"ial,assignee,ship_to,timezone', ok('S1')].join('\n'))).toEqual({
      rows: [], errors: ['line 1: a quote in the middle of a field; quote the whole field and double the quotes inside'],
    });
  });
});

describe('tokens', () => {
  it('are long random secrets of a recognisable shape, stored as hashes', () => {
    const a = newToken('enroll');
    const b = newToken('enroll');
    expect(a.token).not.toBe(b.token);
    expect(looksLikeToken('enroll', a.token)).toBe(true);
    expect(looksLikeToken('api', a.token)).toBe(false);
    expect(a.hash).toBe(hashToken(`  ${a.token}\n`));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
