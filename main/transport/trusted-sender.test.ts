import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTrustedSenderCheck } from './trusted-sender';

describe('createTrustedSenderCheck', () => {
  const rendererFile = '/opt/Idlegrid/resources/app.asar/out/renderer/index.html';
  const appUrl = pathToFileURL(rendererFile).href;

  it('trusts the bundled renderer, with or without a hash route', () => {
    const check = createTrustedSenderCheck({ rendererFile });
    expect(check(appUrl)).toBe(true);
    expect(check(`${appUrl}#/thermals`)).toBe(true);
  });

  it('refuses other files, other origins, and nothing at all', () => {
    const check = createTrustedSenderCheck({ rendererFile });
    expect(check(pathToFileURL('/tmp/evil.html').href)).toBe(false);
    expect(check('https://example.com/')).toBe(false);
    expect(check('http://localhost:5173/')).toBe(false);
    expect(check(undefined)).toBe(false);
    expect(check('not a url')).toBe(false);
  });

  it('trusts the dev server origin only when one is given', () => {
    const check = createTrustedSenderCheck({ rendererFile, devServerUrl: 'http://localhost:5173' });
    expect(check('http://localhost:5173/#/home')).toBe(true);
    expect(check('http://localhost:5174/')).toBe(false);
  });
});
