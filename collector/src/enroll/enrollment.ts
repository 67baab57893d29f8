// Enrollment: IT's one-time token plus the laptop's CSR become a client certificate whose subject
// is the device id. The token is checked (known, not used, not expired), the laptop's Hello is
// checked against what IT registered, and the token is consumed in the same transaction as the
// certificate is recorded.
import { status as Status } from '@grpc/grpc-js';
import { describeCertificate, signCertificateRequest, type PemPair } from '@farmwatch/shared';
import type { farmwatch } from '@farmwatch/proto';
import type { Logger } from '@farmwatch/shared';
import type { Store } from '../store/store.js';
import { auditTarget } from '../store/audit-target.js';
import { RegistryConflict } from '../store/sqlite/registry.js';
import { Refusal } from '../auth/peer.js';
import { validateHello } from '../ingest/validate.js';
import { helloRecord } from '../ingest/hello.js';
import { hashToken, looksLikeToken, newToken } from './tokens.js';

type EnrollRequest = farmwatch.v1.EnrollRequest.$Shape;
type EnrollResponse = farmwatch.v1.EnrollResponse.$Shape;

export const DEFAULT_TOKEN_TTL_MS = 7 * 86_400_000;
export const DEFAULT_CERT_DAYS = 365;

/**
 * A new certificate (renewal or enrollment) retires the device's earlier ones; they keep working
 * for `overlapMs`, so an agent whose renewal answer was lost on the way can still connect and renew
 * again. A device gets at most `perWindow` certificates by renewal per `windowMs`.
 */
export interface RenewalPolicy {
  overlapMs: number;
  perWindow: number;
  windowMs: number;
}

export const DEFAULT_RENEWAL_POLICY: RenewalPolicy = { overlapMs: 10 * 60_000, perWindow: 3, windowMs: 3_600_000 };

export interface EnrollmentOptions {
  store: Store;
  ca: PemPair;
  log: Logger;
  certDays?: number;
  renewal?: Partial<RenewalPolicy>;
  now?: () => number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class Enrollment {
  private readonly now: () => number;
  private readonly caDer: Buffer;
  readonly renewal: RenewalPolicy;

  constructor(private readonly opts: EnrollmentOptions) {
    this.now = opts.now ?? Date.now;
    this.renewal = { ...DEFAULT_RENEWAL_POLICY, ...opts.renewal };
    this.caDer = Buffer.from(opts.ca.certPem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
  }

  /**
   * A new one-time token for a registered device; the token itself is returned once, only its hash
   * is kept. The laptop's earlier unused tokens stop working (`replaced` says how many): only the
   * newest token IT handed out can enroll it.
   */
  static issueToken(store: Store, deviceId: string, ttlMs: number, actor: string, nowMs: number): { token: string; expiresMs: number; replaced: number } {
    if (!store.registry.registration(deviceId)) throw new Error(`there is no registered device ${deviceId}`);
    const { token, hash } = newToken('enroll');
    const expiresMs = nowMs + ttlMs;
    const replaced = store.write(() => {
      const n = store.registry.revokeTokens(deviceId, `a newer token for this laptop was issued at ${iso(nowMs)} by ${actor}`, nowMs);
      if (n > 0) store.alerts.audit(actor, 'token.revoke', auditTarget.enrollToken(deviceId), `${n} earlier unused token(s): replaced by a new one`, nowMs);
      store.registry.createToken(deviceId, hash, expiresMs, actor, nowMs);
      store.alerts.audit(actor, 'token.create', auditTarget.enrollToken(deviceId), `expires ${iso(expiresMs)}`, nowMs);
      return n;
    });
    return { token, expiresMs, replaced };
  }

  async enroll(req: EnrollRequest, peer: string): Promise<EnrollResponse> {
    const now = this.now();
    const token = (req.token ?? '').trim();
    if (!token) throw new Refusal(Status.UNAUTHENTICATED, 'no enrollment token: pass the one-time token IT gave you with --token');
    if (!looksLikeToken('enroll', token)) {
      throw new Refusal(Status.UNAUTHENTICATED, 'this is not an enrollment token (they start with "fwe_" and have 36 characters): check it was copied whole');
    }
    const hash = hashToken(token);
    const use = this.opts.store.registry.token(hash);
    if (!use) throw new Refusal(Status.UNAUTHENTICATED, 'unknown enrollment token: this collector never issued it; ask IT for a token (farmwatch-collector tokens create SERIAL)');
    if (use.usedMs !== null) {
      throw new Refusal(Status.UNAUTHENTICATED, `enrollment token already used at ${iso(use.usedMs)}: tokens work once; ask IT for a new one`);
    }
    if (use.revokedMs !== null) {
      throw new Refusal(Status.UNAUTHENTICATED, `enrollment token revoked at ${iso(use.revokedMs)}: ${use.revokeReason ?? 'IT revoked it'}; enroll with the newest token IT gave for this laptop`);
    }
    if (use.expiresMs <= now) throw new Refusal(Status.UNAUTHENTICATED, `enrollment token expired at ${iso(use.expiresMs)}: ask IT for a new one`);
    const reg = this.opts.store.registry.registration(use.deviceId);
    if (!reg) throw new Refusal(Status.FAILED_PRECONDITION, `the registration of ${use.deviceId} is gone: ask IT to register the laptop again`);
    if (!req.hello) throw new Refusal(Status.INVALID_ARGUMENT, 'the enrollment request has no Hello: the agent must say which machine it is');
    try {
      validateHello(req.hello);
    } catch (err) {
      throw new Refusal(Status.INVALID_ARGUMENT, (err as Error).message);
    }
    const mismatch = serialMismatch(req.hello, reg);
    if (mismatch) throw new Refusal(Status.PERMISSION_DENIED, mismatch);
    if (!req.csrDer || req.csrDer.length === 0 || req.csrDer.length > 4096) {
      throw new Refusal(Status.INVALID_ARGUMENT, 'the enrollment request needs a PKCS#10 certificate signing request (csr_der, at most 4096 bytes)');
    }
    let certPem: string;
    try {
      certPem = await signCertificateRequest(this.opts.ca, req.csrDer, { commonName: reg.deviceId, usage: 'client', days: this.opts.certDays ?? DEFAULT_CERT_DAYS });
    } catch (err) {
      throw new Refusal(Status.INVALID_ARGUMENT, (err as Error).message);
    }
    const info = describeCertificate(certPem);
    try {
      this.opts.store.registry.enroll({
        tokenHash: hash, deviceId: reg.deviceId, hello: helloRecord(req.hello, peer, now),
        certificate: { serial: info.serialNumber.toUpperCase(), fingerprint: info.fingerprint256, notAfterMs: info.notAfter.getTime() },
        retireOthersAtMs: now + this.renewal.overlapMs,
      }, now);
    } catch (err) {
      if (err instanceof RegistryConflict) throw new Refusal(Status.FAILED_PRECONDITION, err.message);
      throw err;
    }
    this.opts.store.alerts.audit(`device:${reg.deviceId}`, 'device.enroll', auditTarget.device(reg.deviceId), `certificate ${info.serialNumber} from ${peer}`, now);
    this.opts.log.info('device enrolled', { device: reg.deviceId, serial: reg.serial, certificate: info.serialNumber, peer });
    return {
      deviceId: reg.deviceId,
      certificateDer: Buffer.from(certPem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'),
      caCertificateDer: this.caDer,
      notAfterMs: info.notAfter.getTime(),
    };
  }

  /**
   * A new certificate for a new key, for a device that holds a live one (checked by the caller).
   * The device's other certificates are retired after the overlap; refused beyond the rate limit.
   */
  async renew(deviceId: string, csrDer: Uint8Array, peer: string): Promise<EnrollResponse> {
    this.checkRenewalLimit(deviceId);
    let certPem: string;
    try {
      certPem = await signCertificateRequest(this.opts.ca, csrDer, { commonName: deviceId, usage: 'client', days: this.opts.certDays ?? DEFAULT_CERT_DAYS });
    } catch (err) {
      throw new Refusal(Status.INVALID_ARGUMENT, (err as Error).message);
    }
    const info = describeCertificate(certPem);
    // Checked again with no await before recording: two renewals at once cannot both pass.
    const now = this.checkRenewalLimit(deviceId);
    const retired = this.opts.store.registry.recordRenewal(deviceId, { serial: info.serialNumber.toUpperCase(), fingerprint: info.fingerprint256, notAfterMs: info.notAfter.getTime() },
      now, now + this.renewal.overlapMs);
    const until = retired.length > 0 ? `; retires ${retired.join(', ')} at ${iso(now + this.renewal.overlapMs)}` : '';
    this.opts.store.alerts.audit(`device:${deviceId}`, 'device.renew', auditTarget.device(deviceId), `certificate ${info.serialNumber} from ${peer}${until}`, now);
    return {
      deviceId, certificateDer: Buffer.from(certPem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'),
      caCertificateDer: this.caDer, notAfterMs: info.notAfter.getTime(),
    };
  }

  /** Refuses a renewal beyond the device's limit, saying when the next one is possible; returns the time now. */
  private checkRenewalLimit(deviceId: string): number {
    const now = this.now();
    const { perWindow, windowMs } = this.renewal;
    const recent = this.opts.store.registry.renewalsSince(deviceId, now - windowMs);
    if (recent.length < perWindow) return now;
    const retryAt = (recent[recent.length - perWindow] ?? now) + windowMs;
    throw new Refusal(Status.RESOURCE_EXHAUSTED,
      `renewal limit: device ${deviceId} was issued ${recent.length} certificates by renewal in the last ${describeWindow(windowMs)} ` +
      `(at most ${perWindow}); the current certificate stays valid: renew again after ${iso(retryAt)}`);
  }
}

const describeWindow = (ms: number): string =>
  ms % 3_600_000 === 0 ? `${ms / 3_600_000} hour(s)` : ms % 60_000 === 0 ? `${ms / 60_000} minute(s)` : `${ms / 1000} s`;

/**
 * Why this laptop is not the one the token was made for, or undefined when it is. No field may be
 * left out to skip the check: a laptop that reports a firmware serial must match the registered
 * serial, and one whose firmware has none (virtual machines, some desktops) must have been
 * registered by its machine id (`machine-` and at least 16 hex digits of the hash the agent
 * reports, as `npm start` registers this machine).
 */
export function serialMismatch(hello: { hardwareSerial?: string | null; machineId?: string | null }, reg: { serial: string; deviceId: string }): string | undefined {
  const serial = (hello.hardwareSerial ?? '').trim();
  const registered = reg.serial.trim().toLowerCase();
  if (serial) {
    if (serial.toLowerCase() === registered) return undefined;
    return `this laptop's serial is ${serial}, but the token is for the laptop IT registered with serial ${reg.serial} (${reg.deviceId}); use the token made for this laptop`;
  }
  const byId = /^machine-([0-9a-f]{16,64})$/.exec(registered);
  const machineId = (hello.machineId ?? '').trim().toLowerCase();
  if (byId?.[1] && machineId.length >= 16 && machineId.startsWith(byId[1])) return undefined;
  return byId
    ? `this laptop's machine id (${machineId.slice(0, 16) || 'none'}...) is not the one the token's laptop (${reg.deviceId}) was registered with (${reg.serial}); use the token made for this laptop`
    : `this laptop reports no hardware serial, so it cannot show that it is the laptop IT registered with serial ${reg.serial} (${reg.deviceId}). ` +
      'A laptop whose firmware has no serial is registered by its machine id: serial "machine-" and the first 16 hex digits of host.machineIdHash from `farmwatch-agent scan --json`';
}
