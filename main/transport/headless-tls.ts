import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeCertificate, makeSelfSignedCertificate } from './self-signed-certificate';

export interface HeadlessTls {
  cert: string;
  key: string;
  fingerprint256: string;
  /** True when this start made a new certificate (browsers will ask to trust it again). */
  made: boolean;
}

/**
 * The certificate `--self-signed` serves: kept in `<dataDir>/headless-tls/` (0700, the
 * key 0600) so browsers that trusted it once keep trusting it, and made anew when it is
 * missing, expiring, or does not name every host it is served under.
 */
export function loadOrMakeSelfSigned(dataDir: string, names: string[]): HeadlessTls {
  const dir = join(dataDir, 'headless-tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    const key = readFileSync(keyFile, 'utf8');
    try {
      const { fingerprint256, usable } = describeCertificate(cert, key, names);
      if (usable) return { cert, key, fingerprint256, made: false };
    } catch {
      // unreadable: make a new one below
    }
  }
  const made = makeSelfSignedCertificate(names);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, made.key, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, made.cert, { mode: 0o600 });
  return { ...made, made: true };
}

/** PEM files given with --tls-cert/--tls-key, with the certificate's fingerprint. */
export function loadTlsFiles(certFile: string, keyFile: string): HeadlessTls {
  const cert = readFileSync(certFile, 'utf8');
  const key = readFileSync(keyFile, 'utf8');
  return { cert, key, fingerprint256: describeCertificate(cert, key, []).fingerprint256, made: false };
}
