// Signed pushes: what the collector sends an agent to apply (its settings, with the fleet key and
// the sanctioned tools, and its catalog) is signed with the key of the collector's server
// certificate, and the agent checks it against the CA it enrolled with before it applies or keeps
// anything. The stream is mutual TLS already; the signature is what a stored copy carries to the
// next start (checked again there), and it ties each update to a certificate the agent can name.
//
// Why the server certificate and not a certificate of its own: it is the collector's identity the
// agent already checks on every connection, issued by the same CA, kept with the same care; a
// second key would be a second thing to issue, renew and lose. Agents' client certificates come
// from the same CA, so the signer must also be a server certificate (extended key usage
// serverAuth) and not a CA: an agent cannot sign a catalog for the fleet.
import { X509Certificate, createPrivateKey, sign, verify, type KeyObject } from 'node:crypto';
import type { farmwatch } from '@farmwatch/proto';

export type SignedPayload = farmwatch.v1.SignedPayload.$Shape;

/** What a signed payload holds; part of what is signed, so one kind cannot pass for the other. */
export const PUSH_KIND = { config: 'farmwatch.v1.ConfigUpdate', catalog: 'farmwatch.v1.CatalogUpdate' } as const;
export type PushKind = (typeof PUSH_KIND)[keyof typeof PUSH_KIND];

const CONTEXT = 'farmwatch signed push v1';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

function signedBytes(kind: string, payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${CONTEXT}\0${kind}\0`), payload]);
}

/** The digest to name to node:crypto for a key: SHA-256, or none for Ed25519 / Ed448 (they hash inside). */
function digestFor(key: KeyObject): string | null {
  return key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : 'sha256';
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Signs pushes with a certificate and its key (the collector's server certificate). */
export class PushSigner {
  private readonly key: KeyObject;
  private readonly certificate: Buffer;

  constructor(pair: { certPem: string | Buffer; keyPem: string | Buffer }) {
    const [first] = pemBlocks(pair.certPem.toString());
    if (!first) throw new Error('the signing certificate is not a PEM certificate');
    this.certificate = new X509Certificate(first).raw;
    this.key = createPrivateKey(pair.keyPem);
  }

  sign(kind: PushKind, payload: Uint8Array): SignedPayload {
    return { kind, payload, certificate: this.certificate, signature: sign(digestFor(this.key), signedBytes(kind, payload), this.key) };
  }
}

/** Why a push was refused: says what is wrong with it. */
export class PushRefused extends Error {
  override name = 'PushRefused';
}

/** Checks pushes against the CA certificates an agent enrolled with (a PEM file's text). */
export class PushVerifier {
  private readonly authorities: X509Certificate[];

  constructor(caPem: string | Buffer, private readonly caName = 'the CA this agent enrolled with') {
    this.authorities = pemBlocks(caPem.toString()).map((b) => new X509Certificate(b)).filter((c) => c.ca);
    if (this.authorities.length === 0) throw new PushRefused(`${caName} holds no CA certificate`);
  }

  /** The payload of a push of `kind`, when it is signed by a server certificate of the CA and valid at `nowMs`; else PushRefused. */
  verify(signed: SignedPayload | null | undefined, kind: PushKind, nowMs = Date.now()): Uint8Array {
    if (!signed || !signed.signature?.length || !signed.certificate?.length) throw new PushRefused('it is not signed (a collector older than signed pushes, or something in between that is not the collector)');
    if (signed.kind !== kind) throw new PushRefused(`it is signed as "${signed.kind ?? ''}", not as ${kind}`);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(Buffer.from(signed.certificate));
    } catch (err) {
      throw new PushRefused(`its signing certificate cannot be read: ${(err as Error).message}`);
    }
    const who = `the signing certificate (${cert.subject.replace(/\n/g, ', ')}, serial ${cert.serialNumber})`;
    const issuer = this.authorities.find((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
    if (!issuer) throw new PushRefused(`${who} was not issued by ${this.caName}`);
    if (cert.ca) throw new PushRefused(`${who} is a CA certificate; pushes are signed with the collector's server certificate`);
    // Node names the extended key usages `keyUsage` (some releases also `extKeyUsage`).
    const usages = cert.keyUsage ?? (cert as { extKeyUsage?: string[] }).extKeyUsage ?? [];
    if (!usages.includes(SERVER_AUTH)) {
      throw new PushRefused(`${who} is not a server certificate (no serverAuth usage): only the collector's server certificate signs pushes, not an agent's`);
    }
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    if (nowMs < from || nowMs > to) throw new PushRefused(`${who} is valid from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}, not now`);
    const payload = signed.payload ?? new Uint8Array(0);
    if (!verify(digestFor(cert.publicKey), signedBytes(kind, payload), cert.publicKey, Buffer.from(signed.signature))) {
      throw new PushRefused(`its signature does not match its content: it was changed after ${who} signed it`);
    }
    return payload;
  }
}
