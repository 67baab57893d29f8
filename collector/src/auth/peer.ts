// Who is calling, from the TLS session: the client certificate's subject CN is the collector's
// device id, and the certificate must be one this collector issued and has not revoked. "Issued"
// means this very certificate: its SHA-256 fingerprint must be the one recorded when enrollment or
// renewal issued it, so a certificate minted with the CA key that copies an issued serial and CN
// is refused. A certificate a newer one replaced (renewal) is refused once its overlap is over.
// Nothing the agent writes in a message can change that.
import { status as Status } from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import type { Store } from '../store/store.js';

export interface PeerIdentity {
  deviceId: string;
  certSerial: string;
}

export class Refusal extends Error {
  constructor(readonly code: Status, message: string) {
    super(message);
    this.name = 'Refusal';
  }
}

interface HasAuthContext {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
}

/** The verified client certificate of the call, or undefined when there is none (or it did not verify). */
export function peerCertificate(call: HasAuthContext): PeerCertificate | undefined {
  return call.getAuthContext().sslPeerCertificate;
}

export const NO_CERTIFICATE =
  'client certificate required: this call needs the certificate the collector issued at enrollment ' +
  '(none was presented, or it is not signed by this collector\'s CA, or it has expired): enroll the agent with `farmwatch-agent enroll`';

export function authenticate(call: HasAuthContext, store: Store, nowMs = Date.now()): PeerIdentity {
  const cert = peerCertificate(call);
  if (!cert) throw new Refusal(Status.UNAUTHENTICATED, NO_CERTIFICATE);
  const cn = Array.isArray(cert.subject?.CN) ? cert.subject.CN[0] : cert.subject?.CN;
  const serial = (cert.serialNumber ?? '').toUpperCase();
  const issued = store.registry.certificate(serial);
  if (!issued || !cn || issued.deviceId !== cn) {
    throw new Refusal(Status.UNAUTHENTICATED, `the client certificate ${serial || '(no serial)'} for "${cn ?? ''}" was not issued by enrollment on this collector: enroll the agent`);
  }
  if (!sameFingerprint(cert.fingerprint256, issued.fingerprint)) {
    throw new Refusal(Status.UNAUTHENTICATED, `the client certificate ${serial} for "${cn}" is not the certificate this collector issued with that serial ` +
      '(its fingerprint differs from the one recorded at enrollment or renewal): it was made elsewhere, perhaps with a copy of the CA key; ' +
      'the laptop\'s own certificate keeps working; if this is that laptop, enroll it again');
  }
  if (issued.revokedMs !== null) {
    throw new Refusal(Status.PERMISSION_DENIED, `certificate revoked: the certificate of device ${cn} was revoked at ${new Date(issued.revokedMs).toISOString()} (${issued.revokeReason ?? 'no reason given'}); IT can re-enroll the laptop with a new token`);
  }
  if (issued.retiredMs !== null && issued.retiredMs <= nowMs) {
    throw new Refusal(Status.PERMISSION_DENIED, `certificate replaced: the certificate ${serial} of device ${cn} was replaced by a newer one ` +
      `(${issued.retiredBy ?? 'unknown serial'}) and stopped being accepted at ${new Date(issued.retiredMs).toISOString()}: ` +
      'the agent keeps the newest certificate in its identity folder; if this laptop lost it, IT can re-enroll it with a new token');
  }
  return { deviceId: cn, certSerial: serial };
}

/** SHA-256 fingerprints compared as hex digits, whatever the separators and case. */
function sameFingerprint(presented: string | undefined, recorded: string): boolean {
  const hex = (f: string): string => f.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return presented !== undefined && hex(presented).length === 64 && hex(presented) === hex(recorded);
}
