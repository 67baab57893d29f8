// The street line IT ships a laptop to, as a comparison key: never stored in clear. Two
// registrations are "shipped to the same address" when their normalized street line, unit and city
// are equal; only a keyed hash (HMAC-SHA-256 with the collector's ship-to key, kept in its state
// folder) of that is stored, next to the city. Without the key the hashes cannot be tested against
// a list of addresses (a street address has little entropy: a plain hash could be).
//
// Normalization, so that what HR and IT type differently still compares equal:
//   - case, accents, punctuation and spacing: "1402 Oak St." = "1402  OAK ST" = "1402 Oak St";
//   - street suffixes and directionals to their USPS standard abbreviations (USPS Publication 28,
//     appendix C1 "Street Suffix Abbreviations" and section 233 directionals): Street = St = Str,
//     Avenue = Ave = Av, North = N, ... and ordinal words (Fifth = 5th);
//   - secondary unit designators (Publication 28, appendix C2: Apartment, Apt, Suite, Ste, Unit,
//     Room, Floor, "#", and the UK's Flat) mark the unit, whose designator is dropped and whose
//     value is kept: "Apt 4B" = "Unit 4b" = "#4-B" = "Flat 4B". A unit may come before the street
//     ("Flat 3, 12 High Street") or on its own line ("4B").
// A building designator ("Bldg 5") stays in the street part: two buildings of one complex are two
// addresses. The unit is kept apart from the building, because two "new hires" in different
// apartments of one building are a weaker signal than several in the same apartment (the rules
// use both, see collector/RULES.md). The US-only parsers on npm want a whole US address with city
// and ZIP; a comparison key for a street line in any country needs only this.
import { createHmac } from 'node:crypto';

export interface StreetAddress {
  /** The street part, normalized: "1402 oak st". */
  street: string;
  /** The unit, normalized, designators dropped ("4b"; several joined by "/"); "" for none. */
  unit: string;
}

/** Street suffixes, directionals and ordinal words to one spelling each (USPS Publication 28, C1 and 233). */
const WORDS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries<string[]>({
  aly: ['alley', 'allee', 'ally'], ave: ['avenue', 'av', 'aven', 'avenu', 'avn', 'avnue'], blvd: ['boulevard', 'boul', 'boulv'],
  cir: ['circle', 'circ', 'circl', 'crcl', 'crcle'], ct: ['court', 'crt'], cv: ['cove'], cres: ['crescent', 'crsnt'], ctr: ['center', 'centre', 'cent', 'centr', 'cntr'],
  dr: ['drive', 'driv', 'drv'], expy: ['expressway', 'expr', 'express', 'expw'], fwy: ['freeway', 'freewy', 'frway', 'frwy'],
  hwy: ['highway', 'highwy', 'hiway', 'hiwy', 'hway'], hts: ['heights', 'ht'], jct: ['junction', 'jction', 'jctn', 'junctn', 'juncton'],
  ln: ['lane'], mt: ['mount', 'mnt'], mtn: ['mountain', 'mntain', 'mntn', 'mountin'], pkwy: ['parkway', 'parkwy', 'pkway', 'pky'],
  pl: ['place'], plz: ['plaza', 'plza'], pt: ['point'], rd: ['road'], rdg: ['ridge', 'rdge'], rte: ['route'], sq: ['square', 'sqr', 'sqre', 'squ'],
  st: ['street', 'strt', 'str'], ter: ['terrace', 'terr'], tpke: ['turnpike', 'trnpk', 'turnpk'], trl: ['trail', 'trails', 'trls'],
  vlg: ['village', 'vill', 'villag', 'villg', 'villiage'], xing: ['crossing', 'crssng'], way: ['wy'], gdns: ['gardens', 'garden', 'gdn'], grv: ['grove'],
  cl: ['close'], ft: ['fort', 'frt'],
  n: ['north'], s: ['south'], e: ['east'], w: ['west'], ne: ['northeast'], nw: ['northwest'], se: ['southeast'], sw: ['southwest'],
  '1st': ['first'], '2nd': ['second'], '3rd': ['third'], '4th': ['fourth'], '5th': ['fifth'], '6th': ['sixth'], '7th': ['seventh'], '8th': ['eighth'],
  '9th': ['ninth'], '10th': ['tenth'], bldg: ['building', 'bld'],
}).flatMap(([standard, variants]): [string, string][] => [[standard, standard], ...variants.map((v): [string, string] => [v, standard])]));

/** Secondary unit designators (Publication 28, C2), the UK's "flat", and "#". */
const UNIT_DESIGNATORS = new Set(['apartment', 'apt', 'suite', 'ste', 'unit', 'room', 'rm', 'floor', 'fl', 'flr', 'flat', '#', 'lot', 'space', 'spc',
  'trailer', 'trlr', 'office', 'ofc', 'dept', 'department', 'hangar', 'hngr', 'slip', 'pier', 'penthouse', 'ph', 'basement', 'bsmt', 'rear', 'front',
  'frnt', 'upper', 'uppr', 'lower', 'lowr', 'lobby', 'lbby', 'side']);
/** Designators that are the whole unit ("Rear", "Basement"): they have no number after them. */
const UNIT_ALONE: Readonly<Record<string, string>> = {
  penthouse: 'ph', ph: 'ph', basement: 'bsmt', bsmt: 'bsmt', rear: 'rear', front: 'frnt', frnt: 'frnt', upper: 'uppr', uppr: 'uppr',
  lower: 'lowr', lowr: 'lowr', lobby: 'lbby', lbby: 'lbby', side: 'side',
};
const FLOOR = new Set(['floor', 'fl', 'flr']);
const ORDINAL = /^(\d+)(st|nd|rd|th)$/;

const fold = (s: string): string => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/** Words of one comma-separated part: apostrophes join ("O'Farrell" = "OFarrell"), other punctuation separates, "#" is a word. */
const words = (part: string): string[] => part.replace(/['\u2019`]/g, '').replace(/#/g, ' # ').replace(/[^a-z0-9#]+/g, ' ').trim().split(' ').filter(Boolean);

/** A unit value: "04-B" -> "4b" (leading zeros go: "Apt 04" is "Apt 4"). */
const unitValue = (tokens: readonly string[]): string => tokens.join('').replace(/^0+(?=[0-9a-z])/, '');

/**
 * Splits one part's words at its unit designators: the words before the first one are street,
 * each designator takes the words up to the next one as its value.
 */
function splitPart(tokens: string[]): { street: string[]; units: string[] } {
  const at = tokens.findIndex((t) => UNIT_DESIGNATORS.has(t));
  if (at < 0) return { street: tokens, units: [] };
  const street = tokens.slice(0, at);
  const units: string[] = [];
  let i = at;
  while (i < tokens.length) {
    const designator = tokens[i] as string;
    let j = i + 1;
    while (j < tokens.length && !UNIT_DESIGNATORS.has(tokens[j] as string)) j++;
    const value = tokens.slice(i + 1, j);
    // "3rd Floor": the floor's number came before the designator, at the end of the street words.
    const before = street.at(-1);
    const ordinal = before ? ORDINAL.exec(before) : null;
    if (FLOOR.has(designator) && value.length === 0 && ordinal?.[1]) {
      street.pop();
      units.push(ordinal[1]);
    } else if (value.length > 0) units.push(unitValue(value));
    else if (UNIT_ALONE[designator]) units.push(UNIT_ALONE[designator]);
    i = j;
  }
  return { street, units };
}

/**
 * Normalizes a street line, and a separate unit line when the export has one (address line 2).
 * Throws when there is nothing to compare (no letter or digit in the street part).
 */
export function normalizeStreet(line: string, unitLine = ''): StreetAddress {
  const street: string[] = [];
  const units: string[] = [];
  const parts = fold(line).split(/[,;\n]/).map(words).filter((p) => p.length > 0);
  for (const part of parts) {
    const split = splitPart(part);
    // A part after the street that is one short token with a digit is a unit on its own ("12 Main St, 4B").
    if (street.length > 0 && split.units.length === 0 && part.length === 1 && /\d/.test(part[0] as string) && (part[0] as string).length <= 6) {
      units.push(unitValue(part));
      continue;
    }
    street.push(...split.street.map((w) => WORDS[w] ?? w));
    units.push(...split.units);
  }
  const unitWords = words(fold(unitLine));
  if (unitWords.length > 0) {
    const split = splitPart(unitWords);
    // An address line 2 without a designator ("4B") is the unit itself.
    if (split.units.length === 0) units.push(unitValue(unitWords));
    else units.push(...(split.street.length > 0 ? [unitValue(split.street)] : []), ...split.units);
  }
  if (street.length === 0) {
    throw new Error(`street "${line}" has no street in it: give the street line IT ships to, for example "1402 Oak Street, Apt 2"`);
  }
  return { street: street.join(' '), unit: units.filter(Boolean).join('/') };
}

/** Where the street is: the matched city's coordinates, else the city and region as typed. */
export interface CityKey {
  countryCode: string;
  lat: number | null;
  lon: number | null;
  city: string;
  region: string;
}

function cityKey(c: CityKey): string {
  if (c.lat !== null && c.lon !== null) return `${c.countryCode}|${c.lat.toFixed(3)},${c.lon.toFixed(3)}`;
  const f = (s: string): string => words(fold(s)).join(' ');
  return `${c.countryCode}|${f(c.city)}|${f(c.region)}`;
}

/** The stored hashes: the address with its unit, and the building (the street without the unit). */
export interface ShipToHashes {
  shipStreetHash: string;
  shipBuildingHash: string;
}

/** Shown in evidence: "3fa2c91e…". The stored value is KEYID.HASH. */
export const hashPrefix = (stored: string): string => `${(stored.split('.')[1] ?? stored).slice(0, 8)}…`;

/**
 * The keyed hashes of an address. Each starts with the key's id, so hashes made under another key
 * (a state folder restored without its key file) never compare equal to these.
 */
export function shipToHashes(key: Buffer, city: CityKey, address: StreetAddress): ShipToHashes {
  const mac = (text: string): string => createHmac('sha256', key).update(text).digest().subarray(0, 16).toString('hex');
  const keyId = mac('farmwatch ship-to key id').slice(0, 8);
  const where = `${cityKey(city)}\u0000${address.street}`;
  return {
    shipStreetHash: `${keyId}.${mac(`farmwatch ship-to v1\u0000address\u0000${where}\u0000${address.unit}`)}`,
    shipBuildingHash: `${keyId}.${mac(`farmwatch ship-to v1\u0000building\u0000${where}`)}`,
  };
}

/** Hashes what registration checked; given to checkRegistration by whoever holds the key. */
export type StreetHasher = (city: CityKey, address: StreetAddress) => ShipToHashes;

export const streetHasher = (key: Buffer): StreetHasher => (city, address) => shipToHashes(key, city, address);
