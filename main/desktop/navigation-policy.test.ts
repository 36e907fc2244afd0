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

  it("opens a renter's open port forward on 127.0.0.1 in the system browser, and no other plain http URL", () => {
    const withForward = createNavigationPolicy(createTrustedSenderCheck({ rendererFile }), (url) => new URL(url).port === '41234');
    expect(withForward.externalLink('http://127.0.0.1:41234/lab?token=x')).toBe('http://127.0.0.1:41234/lab?token=x');
    expect(withForward.externalLink('http://127.0.0.1:41235/')).toBeNull();
    expect(withForward.externalLink('http://localhost.evil.example:41234/')).toBeNull();
    expect(withForward.externalLink('http://192.168.1.1:41234/')).toBeNull();
  });

  it('opens only https links outside the app, never a window', () => {
    expect(policy.externalLink('https://docs.example/help')).toBe('https://docs.example/help');
    expect(policy.externalLink('http://docs.example/help')).toBeNull();
    expect(policy.externalLink('file:///etc/passwd')).toBeNull();
    expect(policy.externalLink('javascript:alert(1)')).toBeNull();
    expect(policy.externalLink('not a url')).toBeNull();
  });
});
