/** A hub's TLS certificate as the user is shown it before pinning it (issue 14). */
export interface HubCertificate {
  origin: string;
  /** "AB:CD:…" (32 bytes), as `openssl x509 -fingerprint -sha256` and the hub print it. */
  fingerprintSha256: string;
  subject: string;
  issuer: string;
  validToMs: number;
  /** The system's CAs vouch for it: no pin is needed. */
  trustedBySystem: boolean;
  selfSigned: boolean;
}

/** SHA-256 fingerprints compare without case or separators. */
export function normaliseFingerprint(text: string): string {
  return text.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

/** 32 bytes in hex, with or without colons. */
export const FINGERPRINT_SHA256 = /^(?:[0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/;
