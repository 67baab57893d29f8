// One-time secrets: enrollment tokens for agents and API tokens for people. Only their SHA-256
// hashes are stored; the secret itself is shown once, when it is made.
import { createHash, randomBytes } from 'node:crypto';

export type TokenKind = 'enroll' | 'api';

const PREFIX: Record<TokenKind, string> = { enroll: 'fwe_', api: 'fwa_' };

export function newToken(kind: TokenKind): { token: string; hash: string } {
  const token = PREFIX[kind] + randomBytes(24).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token.trim(), 'utf8').digest('hex');
}

/** True when the text has the shape of a token of this kind (before looking it up). */
export function looksLikeToken(kind: TokenKind, token: string): boolean {
  return new RegExp(`^${PREFIX[kind]}[A-Za-z0-9_-]{32}$`).test(token.trim());
}
