// Passwords of the people who log in to the console: scrypt (node:crypto) with a random salt,
// stored with its parameters ("scrypt$N$r$p$salt$hash", base64url) so the cost can be raised
// later and older hashes still verify (and are re-hashed at the next login).
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** N = 2^15, r = 8, p = 1: 32 MiB and about 50-100 ms per hash on a laptop core (scrypt paper, "interactive"). */
export const SCRYPT_PARAMS = { N: 32_768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

function scrypt(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // maxmem above 128 * N * r, which node's 32 MiB default does not leave room for at N = 2^15.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, params: { N: number; r: number; p: number } = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export interface Verified {
  ok: boolean;
  /** The hash was made with weaker parameters than today's: store a new one. */
  needsRehash: boolean;
}

/** Checks a password against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<Verified> {
  const parts = stored.split('$');
  const [scheme, n, r, p, salt, key] = parts;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const wellFormed = parts.length === 6 && scheme === 'scrypt' && salt && key
    && Number.isInteger(params.N) && params.N >= 1024 && params.N <= 2 ** 20 && (params.N & (params.N - 1)) === 0
    && Number.isInteger(params.r) && params.r >= 1 && params.r <= 32 && Number.isInteger(params.p) && params.p >= 1 && params.p <= 16;
  if (!wellFormed || password.length > MAX_PASSWORD_LENGTH) {
    // Spend the same time as a real check, so a missing user or a bad row is not told apart by timing.
    await scrypt(password.slice(0, MAX_PASSWORD_LENGTH), randomBytes(SALT_LENGTH), SCRYPT_PARAMS);
    return { ok: false, needsRehash: false };
  }
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), params);
  const ok = expected.length === actual.length && timingSafeEqual(expected, actual);
  return { ok, needsRehash: ok && (params.N < SCRYPT_PARAMS.N || params.r < SCRYPT_PARAMS.r) };
}

/** A hash that matches no password: what a login for an unknown user is checked against. */
export const NO_USER_HASH = `scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$${Buffer.alloc(SALT_LENGTH).toString('base64url')}$${Buffer.alloc(KEY_LENGTH).toString('base64url')}`;

/** A random password for a new account: 24 characters from a 64-symbol alphabet (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Why a password someone chose is not acceptable, or undefined when it is. */
export function passwordProblem(password: string, userName: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters (a passphrase of a few words is easy to type)`;
  if (password.length > MAX_PASSWORD_LENGTH) return `the password is too long: at most ${MAX_PASSWORD_LENGTH} characters`;
  if (password.toLowerCase().includes(userName.toLowerCase()) && userName.length >= 3) return 'the password contains the user name: choose another';
  if (new Set(password).size < 5) return 'the password repeats too few characters: choose another';
  return undefined;
}
