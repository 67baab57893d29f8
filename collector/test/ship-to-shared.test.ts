// Shipped-to street addresses: normalized so that what HR and IT type differently compares equal,
// stored only as keyed hashes, and several people shipped to one address as a signal.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeStreet, shipToHashes, streetHasher, hashPrefix, type CityKey } from '../src/enroll/street-address.js';
import { checkRegistration } from '../src/enroll/registration.js';
import { readRegistrationsCsv } from '../src/enroll/csv-import.js';
import { clusterShipToSignal, shipToSignals } from '../src/rules/ship-to-shared.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { importDevices, registerDevice } from '../src/ops/devices.js';
import type { RegistrationRow } from '../src/store/fleet-records.js';
import type { ShippedRow } from '../src/store/place-store.js';

const KEY = Buffer.alloc(32, 7);
const AUSTIN: CityKey = { countryCode: 'US', lat: 30.27, lon: -97.74, city: 'Austin', region: 'Texas' };

describe('normalizing a street line', () => {
  it('reads the same apartment however it is written', () => {
    const same = [
      ['1402 Oak Street, Apt 2'], ['1402 OAK ST. APT. 2'], ['1402 oak st #2'], ['1402 Oak St Apartment 2'], ['1402  Oak   Street  Unit 2'],
      ['Apt 2, 1402 Oak Street'], ['1402 Oak St', 'Apt 2'], ['1402 Oak St', '2'], ['1402 Oak St, 2'], ['1402 Oak Str., Suite 2'], ['1402 Oak St # 02'],
    ];
    for (const [line, unit] of same) expect(normalizeStreet(line as string, unit), `${line} / ${unit ?? ''}`).toEqual({ street: '1402 oak st', unit: '2' });
    expect(normalizeStreet('1402 Oak Street, Apt 3')).toEqual({ street: '1402 oak st', unit: '3' });
    expect(normalizeStreet('1402 Oak Street')).toEqual({ street: '1402 oak st', unit: '' });
  });

  it('knows suffixes, directionals, ordinals, apostrophes, accents, floors and UK flats', () => {
    const pairs: [string, string][] = [
      ['742 Evergreen Terrace', '742 EVERGREEN TER.'],
      ['350 Fifth Avenue, Suite 5000', '350 5th Ave Ste 5000'],
      ['1 North Main Street', '1 N. Main St'],
      ['12 O\'Farrell St', '12 OFarrell Street'],
      ['12 Rue de l\'Église', '12 RUE DE L\u2019EGLISE'],
      ['Flat 3, 12 High Street', '12 High St, Flat 3'],
      ['100 Main St, 3rd Floor', '100 Main Street Fl 3'],
      ['55 Elm Blvd Apt 04B', '55 elm boulevard #4-B'],
      ['9 Lakeview Pkwy Bldg 5 Apt 12', '9 Lakeview Parkway Building 5, Unit 12'],
    ];
    for (const [a, b] of pairs) expect(normalizeStreet(a), `${a} = ${b}`).toEqual(normalizeStreet(b));
    expect(normalizeStreet('9 Lakeview Pkwy Bldg 5 Apt 12')).toEqual({ street: '9 lakeview pkwy bldg 5', unit: '12' });
    // Two buildings of one complex are two addresses.
    expect(normalizeStreet('9 Lakeview Pkwy Bldg 6 Apt 12').street).not.toBe(normalizeStreet('9 Lakeview Pkwy Bldg 5 Apt 12').street);
  });

  it('refuses a line with no street in it', () => {
    expect(() => normalizeStreet(' , ;')).toThrow('street " , ;" has no street in it: give the street line IT ships to, for example "1402 Oak Street, Apt 2"');
    expect(() => normalizeStreet('Apt 4')).toThrow(/has no street in it/);
  });
});

describe('keyed hashes', () => {
  const h = (line: string, city = AUSTIN, key = KEY) => shipToHashes(key, city, normalizeStreet(line));

  it('one address: equal hashes; another unit: same building; another city or key: nothing in common', () => {
    expect(h('1402 Oak Street, Apt 2')).toEqual(h('1402 OAK ST #2'));
    expect(h('1402 Oak St Apt 3').shipStreetHash).not.toBe(h('1402 Oak St Apt 2').shipStreetHash);
    expect(h('1402 Oak St Apt 3').shipBuildingHash).toBe(h('1402 Oak St Apt 2').shipBuildingHash);
    const boston: CityKey = { countryCode: 'US', lat: 42.36, lon: -71.06, city: 'Boston', region: 'Massachusetts' };
    expect(h('1402 Oak St Apt 2', boston).shipBuildingHash).not.toBe(h('1402 Oak St Apt 2').shipBuildingHash);
    const other = h('1402 Oak St Apt 2', AUSTIN, Buffer.alloc(32, 8));
    expect(other.shipStreetHash).not.toBe(h('1402 Oak St Apt 2').shipStreetHash);
    expect(other.shipStreetHash.split('.')[0]).not.toBe(h('1402 Oak St Apt 2').shipStreetHash.split('.')[0]);
    expect(h('1402 Oak St').shipStreetHash).toMatch(/^[0-9a-f]{8}\.[0-9a-f]{32}$/);
    expect(hashPrefix(h('1402 Oak St').shipStreetHash)).toMatch(/^[0-9a-f]{8}…$/);
  });

  it('registration hashes the street next to the city ("Austin, TX" and "Austin, Texas" are one city)', () => {
    const base = { serial: 'S1', assignee: 'A B <a@b.co>', timeZone: 'America/Chicago' };
    const a = checkRegistration({ ...base, shipTo: 'Austin, TX, US', street: '1402 Oak Street', unit: 'Apt 2' }, streetHasher(KEY));
    const b = checkRegistration({ ...base, shipTo: 'Austin, Texas, United States', street: '1402 oak st. #2' }, streetHasher(KEY));
    expect(a.shipStreetHash).toBe(b.shipStreetHash);
    expect(a.shipTo).toBe('Austin, TX, US');
    expect(JSON.stringify(a)).not.toMatch(/oak/i);
    expect(checkRegistration({ ...base, shipTo: 'Austin, TX, US' }).shipStreetHash).toBeUndefined();
    expect(() => checkRegistration({ ...base, shipTo: 'Austin, TX, US', unit: 'Apt 2' }, streetHasher(KEY))).toThrow('unit "Apt 2" has no street: give the street line too (for example "1402 Oak Street"), or leave both empty');
    expect(() => checkRegistration({ ...base, shipTo: 'Austin, TX, US', street: 'x'.repeat(201) }, streetHasher(KEY))).toThrow(/longer than 200 characters/);
  });

  it('reads street and unit columns of an HR export', () => {
    const csv = 'Serial Number,Employee,Work Email,Address Line 1,Address Line 2,City,State,Country,Time Zone\n' +
      'S1,Ana Diaz,ana@example.com,1402 Oak Street,Apt 2,Austin,TX,US,America/Chicago\n' +
      'S2,Bo Chen,bo@example.com,"1402 OAK ST., APT. 2",,Austin,Texas,US,America/Chicago\n' +
      'S3,Cy Park,cy@example.com,1402 Oak St #3,,Austin,TX,US,America/Chicago\n' +
      'S4,Di Ray,di@example.com,,,Austin,TX,US,America/Chicago\n' +
      'S5,Ed Fox,ed@example.com,"  ,  ",,Austin,TX,US,America/Chicago\n';
    const r = readRegistrationsCsv(csv, undefined, streetHasher(KEY));
    expect(r.errors).toEqual(['line 6: street "," has no street in it: give the street line IT ships to, for example "1402 Oak Street, Apt 2"']);
    const [s1, s2, s3, s4] = r.rows.map((x) => x.registration);
    expect(s1?.shipStreetHash).toBe(s2?.shipStreetHash);
    expect(s3?.shipStreetHash).not.toBe(s1?.shipStreetHash);
    expect(s3?.shipBuildingHash).toBe(s1?.shipBuildingHash);
    expect(s4?.shipStreetHash).toBeUndefined();
  });
});

describe('the state folder keeps the key; the database keeps no street', () => {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-shipto-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes ship-to.key (0600) beside the database once, and stores only hashes', () => {
    const db = join(dir, 'c.db');
    let store = new SqliteStore(db);
    const one = registerDevice(store, { serial: 'S1', assignee: 'Ana Diaz <ana@example.com>', shipTo: 'Austin, TX, US', street: '1402 Zanzibar Street, Apt 2', timeZone: 'America/Chicago' }, 'it');
    expect(statSync(join(dir, 'ship-to.key')).mode & 0o777).toBe(0o600);
    store.close();
    store = new SqliteStore(db);
    const out = importDevices(store, 'serial,assignee,ship_to,street,timezone\nS2,Bo Chen <bo@example.com>,"Austin, Texas, US","1402 ZANZIBAR ST #2",America/Chicago\n', 'it');
    expect(out.errors).toEqual([]);
    expect(out.registered[0]?.registration.shipStreetHash).toBe(one.registration.shipStreetHash);
    expect(store.places.shippedTo('address', one.registration.shipStreetHash ?? '').map((r) => r.assigneeEmail)).toEqual(['ana@example.com', 'bo@example.com']);
    store.close();
    // Least data: the street is nowhere in the database, its WAL or the audit log.
    for (const f of readdirSync(dir).filter((n) => n.startsWith('c.db'))) expect(readFileSync(join(dir, f)).toString('latin1')).not.toMatch(/zanzibar/i);
  });
});

describe('several people shipped to one address', () => {
  const row = (deviceId: string, email: string, hash = 'k.aaaa'): ShippedRow => ({ deviceId, assigneeName: email.split('@')[0] as string, assigneeEmail: email, registeredMs: Date.parse('2025-06-01'), revokedMs: null, shipStreetHash: hash });
  const reg = { deviceId: 'd1', shipStreetHash: 'k.aaaabbbbcccc', shipBuildingHash: 'k.ddddeeee' } as RegistrationRow;

  it('three people is a signal, a couple is not, one person\'s two laptops are one person', () => {
    const couple = [row('d1', 'ana@x.co'), row('d2', 'bo@x.co'), row('d3', 'bo@x.co')];
    expect(shipToSignals(reg, { address: couple, building: couple })).toEqual([]);
    const three = [...couple, row('d4', 'cy@x.co')];
    const [s] = shipToSignals(reg, { address: three, building: three });
    expect(s?.id).toBe('shipto.shared');
    expect(s?.weight).toBe(25);
    expect(s?.title).toBe('3 people shipped to the same street address (hash aaaabbbb…)');
    expect(s?.evidence[0]).toBe('d1: ana <ana@x.co>, registered 2025-06-01');
    expect(shipToSignals({ ...reg, shipStreetHash: '' }, { address: three, building: three })).toEqual([]);
  });

  it('three people in different units of one building is weaker', () => {
    const building = [row('d1', 'ana@x.co', 'k.1'), row('d2', 'bo@x.co', 'k.2'), row('d3', 'cy@x.co', 'k.3')];
    const [s] = shipToSignals(reg, { address: [building[0] as ShippedRow], building });
    expect(s?.id).toBe('shipto.building');
    expect(s?.weight).toBe(10);
    expect(s?.evidence.at(-1)).toMatch(/^3 different addresses \(units\) in the building/);
  });

  it('in a cluster: from four people, 10 per person beyond three, at most 30, counting only people not excused', () => {
    const members = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'];
    const regs = new Map(members.map((m, i) => [m, { deviceId: m, assigneeEmail: `${m}@x.co`, shipStreetHash: i < 7 ? 'k.ffff0000' : 'k.other' } as RegistrationRow]));
    const all = new Set(members.map((m) => `${m}@x.co`));
    expect(clusterShipToSignal(members, regs, all)).toMatchObject({ id: 'cluster.shipto', weight: 30, title: '7 people shipped to the same street address (hash ffff0000…)' });
    expect(clusterShipToSignal(members, regs, new Set(['m1@x.co', 'm2@x.co', 'm3@x.co', 'm4@x.co', 'm5@x.co']))?.weight).toBe(20);
    expect(clusterShipToSignal(members, regs, new Set(['m1@x.co', 'm2@x.co', 'm3@x.co', 'm4@x.co']))?.weight).toBe(10);
    // A household of three employees: left to each laptop's own shipto.shared.
    expect(clusterShipToSignal(members, regs, new Set(['m1@x.co', 'm2@x.co', 'm3@x.co']))).toBeUndefined();
  });
});
