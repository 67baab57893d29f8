// X.509 for farmwatch's private PKI: the collector's CA, its server certificate, and client
// certificates for agents (from a CSR whose key never leaves the laptop). ECDSA P-256 with SHA-256
// everywhere: small certificates, fast handshakes, supported by every TLS stack we talk to.
//
// @peculiar/x509 (and the reflect-metadata it needs loaded first) is loaded on first use: an agent
// uses it only to enroll and renew, and should not carry it in memory the rest of the time.
import type * as X509 from '@peculiar/x509';
import { createPublicKey, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';

let loaded: Promise<typeof X509> | undefined;

function x509Lib(): Promise<typeof X509> {
  loaded ??= (async () => {
    await import('reflect-metadata');
    const lib = await import('@peculiar/x509');
    lib.cryptoProvider.set(webcrypto as unknown as Parameters<typeof lib.cryptoProvider.set>[0]);
    return lib;
  })();
  return loaded;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

type Keys = webcrypto.CryptoKeyPair;

export interface PemPair {
  certPem: string;
  keyPem: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function derOf(text: string, label: string): Buffer {
  const m = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(text);
  if (!m?.[1]) throw new Error(`expected a PEM block "${label}"`);
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

async function generateKeys(): Promise<Keys> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

async function privateKeyPem(keys: Keys): Promise<string> {
  return pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
}

async function importPrivateKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', derOf(keyPem, 'PRIVATE KEY'), ALGORITHM, false, ['sign']);
}

/** A random positive 128-bit serial number, hex. */
function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

/** X.500 name from a common name, with characters that would change the name's structure escaped. */
function dn(commonName: string): string {
  return `CN=${commonName.replace(/([,+"\\<>;=])/g, '\\$1')}`;
}

export async function createAuthority(commonName: string, days: number): Promise<PemPair> {
  const x509 = await x509Lib();
  const keys = await generateKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: dn(commonName),
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + days * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys: keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyPem(keys) };
}

export interface IssueOptions {
  commonName: string;
  usage: 'server' | 'client';
  days: number;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Hex serial number; a fresh random one when left out. */
  serial?: string;
}

async function sign(ca: PemPair, publicKey: X509.PublicKeyType, options: IssueOptions): Promise<string> {
  const x509 = await x509Lib();
  const caCert = new x509.X509Certificate(ca.certPem);
  const now = Date.now();
  const names = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(
      [options.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth], false),
    await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: options.serial ?? serialNumber(),
    subject: dn(options.commonName),
    issuer: caCert.subject,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(Math.min(now + options.days * DAY_MS, caCert.notAfter.getTime())),
    signingAlgorithm: ALGORITHM,
    publicKey: publicKey as never,
    signingKey: (await importPrivateKey(ca.keyPem)) as never,
    extensions,
  });
  return cert.toString('pem') + '\n';
}

/** A new key and a certificate for it, signed by the CA (for the collector and demo clients). */
export async function issueCertificate(ca: PemPair, options: IssueOptions): Promise<PemPair> {
  const keys = await generateKeys();
  const certPem = await sign(ca, keys.publicKey, options);
  return { certPem, keyPem: await privateKeyPem(keys) };
}

export interface CertificateRequest {
  csrDer: Buffer;
  keyPem: string;
}

/** A new key and a PKCS#10 request for it: what an agent sends to enroll. */
export async function createCertificateRequest(commonName: string): Promise<CertificateRequest> {
  const x509 = await x509Lib();
  const keys = await generateKeys();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: dn(commonName),
    keys: keys as never,
    signingAlgorithm: ALGORITHM,
  });
  return { csrDer: Buffer.from(csr.rawData), keyPem: await privateKeyPem(keys) };
}

/**
 * Signs a client certificate for the key in `csrDer`, after checking the request's own signature
 * (proof that the caller holds the key). The subject is what the CA decides, not what the CSR says.
 */
export async function signCertificateRequest(ca: PemPair, csrDer: Uint8Array, options: IssueOptions): Promise<string> {
  const x509 = await x509Lib();
  let csr: X509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(Buffer.from(csrDer));
  } catch (err) {
    throw new Error(`the certificate signing request is not valid PKCS#10 DER: ${(err as Error).message}`);
  }
  if (!(await csr.verify())) throw new Error('the certificate signing request is not signed by its own key');
  const weak = weakRequest(Buffer.from(csr.publicKey.rawData), csr.signatureAlgorithm as { name: string; hash?: { name: string } });
  if (weak) throw new Error(`${weak}. The CA signs P-256 or P-384 ECDSA, Ed25519, or RSA of 2048 bits or more, with SHA-256 or better (the farmwatch agent makes P-256 keys)`);
  return sign(ca, csr.publicKey, options);
}

const STRONG_CURVES = new Set(['prime256v1', 'secp384r1']);
const STRONG_HASHES = new Set(['SHA-256', 'SHA-384', 'SHA-512']);

/** Why a request's key or signature is below the current baseline, or undefined when it is not. */
export function weakRequest(spkiDer: Buffer, signature: { name: string; hash?: { name: string } }): string | undefined {
  const key = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (!STRONG_CURVES.has(details.namedCurve ?? '')) return `the request's key is ECDSA on ${details.namedCurve ?? 'an unnamed curve'}, which this CA does not sign`;
      break;
    case 'rsa':
    case 'rsa-pss':
      if ((details.modulusLength ?? 0) < 2048) return `the request's key is RSA of ${details.modulusLength ?? '?'} bits, too weak`;
      break;
    case 'ed25519':
      return undefined;
    default:
      return `the request's key is ${key.asymmetricKeyType ?? 'of an unknown type'}, which this CA does not sign`;
  }
  const hash = signature.hash?.name ?? '';
  if (!STRONG_HASHES.has(hash)) return `the request is signed with ${signature.name}${hash ? ` and ${hash}` : ''}, too weak`;
  return undefined;
}

export interface CertificateInfo {
  subjectCommonName: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
}

export function describeCertificate(certPem: string | Buffer): CertificateInfo {
  const cert = new NodeX509(certPem);
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? '';
  return {
    subjectCommonName: cn,
    serialNumber: cert.serialNumber,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    fingerprint256: cert.fingerprint256,
  };
}
