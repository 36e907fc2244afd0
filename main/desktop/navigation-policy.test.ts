import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTrustedSenderCheck } from '../transport/trusted-sender';
import { createNavigationPolicy } from './navigation-policy';

const rendererFile = '/opt/idlegrid/out/renderer/index.html';
const appUrl = pathToFileURL(rendererFile).href;
const policy = createNavigationPolicy(createTrustedSenderCheck({ rendererFile }));

describe('NavigationPolicy', () => {
  it('keeps the main frame on the app, redirects included', () => {
    expect(policy.mainFrame(appUrl)).toBe(true);
    expect(policy.mainFrame(`${appUrl}#/rent`)).toBe(true);
    expect(policy.mainFrame('https://evil.example/phish')).toBe(false);
    expect(policy.mainFrame('file:///etc/passwd')).toBe(false);
  });

  it('refuses every sub-frame navigation, even to the app itself', () => {
    expect(policy.frame(appUrl, false)).toBe(false);
    expect(policy.frame('https://evil.example/', false)).toBe(false);
    expect(policy.frame(appUrl, true)).toBe(true);
    expect(policy.frame('https://evil.example/', true)).toBe(false);
  });

  it('opens only https links outside the app, never a window', () => {
    expect(policy.externalLink('https://docs.example/help')).toBe('https://docs.example/help');
    expect(policy.externalLink('http://docs.example/help')).toBeNull();
    expect(policy.externalLink('file:///etc/passwd')).toBeNull();
    expect(policy.externalLink('javascript:alert(1)')).toBeNull();
    expect(policy.externalLink('not a url')).toBeNull();
  });
});
