import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:tls';
import type { Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HUB_RENTER_WS_PATH } from '../../common/hub/hub-protocol';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { startTestHub } from '../../hub/testing/test-hub';
import type { TestHub } from '../../hub/testing/test-hub';
import { makeTestCertificate } from '../../hub/testing/tls-fixture';
import { HubTls, certificateOf, hubTlsError } from './hub-tls';

// Issue 14: a private grid's hub with a self-signed certificate. The user sees its SHA-256
// fingerprint, accepts it, and from then on the app talks to that origin only while it
// shows exactly that certificate.
describe('pinning a self-signed hub certificate', () => {
  const real = makeTestCertificate();
  const other = makeTestCertificate();
  const realFingerprint = new X509Certificate(real.cert).fingerprint256;
  const otherFingerprint = new X509Certificate(other.cert).fingerprint256;
  let hub: TestHub;
  /** An impostor at another address with another certificate: records every byte it is sent. */
  let impostor: Server;
  let impostorOrigin: string;
  const receivedByImpostor: Buffer[] = [];

  beforeAll(async () => {
    hub = await startTestHub({ tls: real });
    impostor = createServer({ cert: other.cert, key: other.key }, (socket) => {
      socket.on('data', (d: Buffer) => receivedByImpostor.push(d));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    impostorOrigin = `https://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
    await new Promise((resolve) => impostor?.close(resolve));
  });

  it("shows the hub's SHA-256 fingerprint, the same as openssl's, and says the system does not trust it", async () => {
    const cert = await certificateOf(hub.url);
    expect(cert).toMatchObject({ origin: hub.url, fingerprintSha256: realFingerprint, subject: '127.0.0.1', selfSigned: true, trustedBySystem: false });
    expect(cert.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    await expect(certificateOf('http://127.0.0.1:1')).rejects.toMatchObject({ reason: 'hub_not_https' });
  });

  it('without a pin the hub is refused, with what to do', async () => {
    const error = await new HubHttpClient({ baseUrl: hub.url }).info().catch((e: unknown) => e);
    expect(hubTlsError(hub.url, error)).toMatchObject({ reason: 'hub_certificate_untrusted', message: expect.stringMatching(/does not trust.*fingerprint in Settings/) });
  });

  it('with the pin accepted, HTTP calls and the WebSocket reach the hub', async () => {
    const tls = new HubTls(() => ({ [hub.url]: realFingerprint.toLowerCase() }));
    try {
      const { fetch, agent } = tls.transport(hub.url);
      const info = await new HubHttpClient({ baseUrl: hub.url, fetch: fetch! }).info();
      expect(info.network).toBeTruthy();
      const ws = new WebSocket(`${hub.url.replace('https', 'wss')}${HUB_RENTER_WS_PATH}`, { agent: agent! });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.terminate();
      // Plain http hubs and other origins are untouched.
      expect(tls.transport('http://127.0.0.1:7070')).toEqual({});
      expect(tls.transport('https://hub.example.org')).toEqual({});
    } finally {
      tls.dispose();
    }
  });

  it('refuses a different certificate on the pinned origin before sending anything: no request, no token', async () => {
    // The user accepted the real hub's certificate for this origin; another one answers there.
    const tls = new HubTls(() => ({ [impostorOrigin]: realFingerprint }));
    try {
      const { fetch, agent } = tls.transport(impostorOrigin);
      const client = new HubHttpClient({ baseUrl: impostorOrigin, fetch: fetch!, token: 'session-token-that-must-not-leak' });
      const error = await client.leases().catch((e: unknown) => e);
      const mapped = hubTlsError(impostorOrigin, error);
      expect(mapped).toMatchObject({ reason: 'hub_certificate_mismatch' });
      expect(mapped!.message).toContain(`expected SHA-256 ${realFingerprint}, got ${otherFingerprint}`);
      expect(mapped!.message).toMatch(/Nothing was sent/);

      const ws = new WebSocket(`${impostorOrigin.replace('https', 'wss')}${HUB_RENTER_WS_PATH}`, { agent: agent!, headers: { authorization: 'Bearer session-token-that-must-not-leak' } });
      const wsError = await new Promise<Error>((resolve) => ws.once('error', resolve));
      expect(wsError.message).toMatch(/different certificate/);
      // Give the impostor a moment: it never received a byte of application data.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(Buffer.concat(receivedByImpostor).length).toBe(0);
    } finally {
      tls.dispose();
    }
  });
});
