import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

export const SESSION_COOKIE = 'idlegrid_session';
export const SESSION_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The headless access token and the session cookies made from it.
 *
 * The token is printed in the start URL once and exchanged for an HttpOnly,
 * SameSite=Strict cookie, so it leaves the address bar and page scripts never see it.
 * It is kept in the data dir (mode 0600) so the printed URL and open browser tabs keep
 * working across restarts of a rig; `--new-token` rotates it, which also signs out
 * every browser. Cookies are stateless: `issuedAt.nonce.hmac(token)`.
 */
export class HeadlessAuth {
  constructor(
    readonly token: string,
    private readonly nowMs: () => number = Date.now,
  ) {}

  static loadOrCreate(tokenFile: string, rotate: boolean, nowMs?: () => number): HeadlessAuth {
    if (!rotate && existsSync(tokenFile)) {
      const saved = readFileSync(tokenFile, 'utf8').trim();
      if (/^[A-Za-z0-9_-]{32,}$/.test(saved)) return new HeadlessAuth(saved, nowMs);
    }
    const token = randomBytes(32).toString('base64url');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    chmodSync(tokenFile, 0o600);
    return new HeadlessAuth(token, nowMs);
  }

  checkToken(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    return safeEqual(candidate, this.token);
  }

  issueSessionCookieValue(): string {
    const payload = `${this.nowMs()}.${randomBytes(16).toString('base64url')}`;
    return `${payload}.${this.sign(payload)}`;
  }

  checkSessionCookieValue(value: string | undefined): boolean {
    if (!value) return false;
    const parts = value.split('.');
    if (parts.length !== 3) return false;
    const [issuedAt, nonce, mac] = parts as [string, string, string];
    if (!safeEqual(mac, this.sign(`${issuedAt}.${nonce}`))) return false;
    const issuedAtMs = Number(issuedAt);
    return Number.isSafeInteger(issuedAtMs) && this.nowMs() - issuedAtMs < SESSION_MAX_AGE_MS;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.token).update(payload).digest('base64url');
  }
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
