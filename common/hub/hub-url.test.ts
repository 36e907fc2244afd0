import { describe, expect, it } from 'vitest';
import { hostReach, isPlainHttpBeyondPrivate, normaliseHubUrl } from './hub-url';

describe('hub URLs', () => {
  it('normalises what a person types to an origin', () => {
    expect(normaliseHubUrl(' 192.168.1.10:7070 ')).toBe('http://192.168.1.10:7070');
    expect(normaliseHubUrl('https://hub.example.org/x')).toBe('https://hub.example.org');
    expect(normaliseHubUrl('')).toBeNull();
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback'],
    ['localhost', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.1.1', 'private'],
    ['[fd00::1]', 'private'],
    ['[fe80::1]', 'private'],
    ['0.0.0.0', 'unspecified'],
    ['[::]', 'unspecified'],
    ['8.8.8.8', 'public'],
    ['hub.example.org', 'public'],
    ['[2001:db8::1]', 'public'],
  ])('%s is %s', (host, reach) => {
    expect(hostReach(host)).toBe(reach);
  });

  it('flags plain http beyond loopback and private ranges only', () => {
    expect(isPlainHttpBeyondPrivate('http://hub.example.org:7070')).toBe(true);
    expect(isPlainHttpBeyondPrivate('http://203.0.113.5:7070')).toBe(true);
    expect(isPlainHttpBeyondPrivate('https://hub.example.org')).toBe(false);
    expect(isPlainHttpBeyondPrivate('http://192.168.1.10:7070')).toBe(false);
    expect(isPlainHttpBeyondPrivate('http://127.0.0.1:7070')).toBe(false);
  });
});
