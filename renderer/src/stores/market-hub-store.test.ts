import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/errors';
import type { NetworkInfo } from '../../../common/wallet/network';
import { createMarketHubStore, hubUrlProblem } from './market-hub-store';
import { hubStatus } from './market-fixtures';
import { ScriptedApiClient, settle } from './scripted-api-client';

const gridNetwork = { kind: 'grid', label: 'Private grid', status: 'ready', error: null } as unknown as NetworkInfo;

describe('market hub store', () => {
  it('loads the hub and follows market:hub events', async () => {
    const c = new ScriptedApiClient().answer('market:hub', () => hubStatus());
    const store = createMarketHubStore(c);
    store.getState().start();
    await settle();
    expect(store.getState().hub?.status).toBe('ready');
    c.emit('market:hub', hubStatus({ status: 'error', error: 'The hub does not answer.' }));
    expect(store.getState().hub?.error).toBe('The hub does not answer.');
  });

  it('reconnects', async () => {
    const c = new ScriptedApiClient().answer('market:reconnect', () => hubStatus({ status: 'starting' }));
    const store = createMarketHubStore(c);
    await store.getState().reconnect();
    expect(store.getState().hub?.status).toBe('starting');
    expect(store.getState().busy).toBeNull();
  });

  it('checks a grid URL before asking main, then switches the network', async () => {
    const c = new ScriptedApiClient().answer('network:set', () => gridNetwork).answer('market:hub', () => hubStatus({ mode: 'grid' }));
    const store = createMarketHubStore(c);
    expect(await store.getState().joinGrid('not a url')).toBeNull();
    expect(store.getState().error).toMatch(/not a URL/);
    expect(c.callsOf('network:set')).toHaveLength(0);
    expect((await store.getState().joinGrid(' http://10.0.0.2:7070 '))?.kind).toBe('grid');
    expect(c.callsOf('network:set')).toEqual([{ kind: 'grid', hubUrl: 'http://10.0.0.2:7070' }]);
    expect(store.getState().error).toBeNull();
  });

  it('shows why main refused the grid', async () => {
    const c = new ScriptedApiClient().answer('network:set', () => {
      throw new ApiError('unavailable', 'No hub answers at http://10.0.0.2:7070: start it with npm run hub.');
    });
    const store = createMarketHubStore(c);
    expect(await store.getState().joinGrid('http://10.0.0.2:7070')).toBeNull();
    expect(store.getState().error).toMatch(/npm run hub/);
  });

  it('passes the plain-http acceptance only when the view asks for it', async () => {
    const c = new ScriptedApiClient().answer('network:set', () => gridNetwork).answer('market:hub', () => hubStatus({ mode: 'grid' }));
    const store = createMarketHubStore(c);
    await store.getState().joinGrid('http://hub.example.org:7070', { acceptPlainHttp: true });
    expect(c.callsOf('network:set')).toEqual([{ kind: 'grid', hubUrl: 'http://hub.example.org:7070', acceptPlainHttp: true }]);
  });

  it('signs out and shows the hub no longer signed in', async () => {
    const c = new ScriptedApiClient().answer('market:sign-out', () => hubStatus({ signedInAs: null }));
    const store = createMarketHubStore(c);
    await store.getState().signOut();
    expect(c.callsOf('market:sign-out')).toHaveLength(1);
    expect(store.getState().hub?.signedInAs).toBeNull();
    expect(store.getState().busy).toBeNull();
  });

  it('explains bad hub URLs', () => {
    expect(hubUrlProblem('')).toMatch(/Enter/);
    expect(hubUrlProblem('ftp://x')).toMatch(/http/);
    expect(hubUrlProblem('https://hub.example:7070')).toBeNull();
  });

  it('shows a hub certificate and pins exactly what was shown for its origin', async () => {
    const cert = { origin: 'https://10.0.0.2:7070', fingerprintSha256: 'AB:'.repeat(31) + 'AB', subject: '10.0.0.2', issuer: '10.0.0.2', validToMs: 0, trustedBySystem: false, selfSigned: true };
    const c = new ScriptedApiClient()
      .answer('market:hub-certificate', () => cert)
      .answer('settings:get', () => ({ pinnedHubCertificates: { 'https://other:1': 'CD:'.repeat(31) + 'CD' } }) as never)
      .answer('settings:update', () => ({}) as never);
    const store = createMarketHubStore(c);
    expect(await store.getState().checkCertificate(' https://10.0.0.2:7070 ')).toEqual(cert);
    expect(c.callsOf('market:hub-certificate')).toEqual([{ hubUrl: 'https://10.0.0.2:7070' }]);
    expect(store.getState().certificate).toEqual(cert);
    expect(await store.getState().acceptCertificate(cert)).toBe(true);
    expect(c.callsOf('settings:update')).toEqual([{ pinnedHubCertificates: { 'https://other:1': 'CD:'.repeat(31) + 'CD', [cert.origin]: cert.fingerprintSha256 } }]);
  });
});
