/**
 * Where share links point and whether they may be made: the pure policy (share-policy.ts) and the
 * settings it reads (config-share.ts). The API suite (test/api/share-links.test.ts) runs it in a server.
 */
import { describe, expect, it } from 'vitest';
import { loadShareConfig } from '../../../server/config-share.ts';
import { isLoopback, sharingPolicy, type SharingPolicyOptions } from '../../../server/services/share-policy.ts';

const policy = (o: Partial<SharingPolicyOptions>) => sharingPolicy({
  mode: 'local', host: '127.0.0.1', port: () => 8787, publicUrl: undefined, addresses: () => ['192.168.1.20', 'fd00::5'], ...o,
});

describe('sharing policy', () => {
  it('knows loopback addresses, and nothing else, as loopback', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]', 'LOCALHOST']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'trove.example.com', '128.0.0.1']) expect(isLoopback(h), h).toBe(false);
  });

  it('refuses in local mode on loopback, saying how to change it', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      const s = policy({ host }).status('http://127.0.0.1:8787');
      expect(s).toMatchObject({ available: false, code: 'SHARE_NEEDS_REMOTE', base_url: null, warning: null });
      expect(s.message).toContain('TROVE_ALLOW_REMOTE=1');
    }
  });

  it('listening on the network: links on this machine\'s first address (IPv4 first) and the port, with a warning', () => {
    const s = policy({ host: '0.0.0.0', port: () => 9000 }).status('http://127.0.0.1:9000');
    expect(s).toMatchObject({ available: true, code: null, base_url: 'http://192.168.1.20:9000' });
    expect(s.warning).toContain('http://192.168.1.20:9000');
    expect(policy({ host: '::', addresses: () => ['fd00::5'] }).status('x').base_url).toBe('http://[fd00::5]:8787');
    // A given address is the one others reach; no address at all falls back to how the owner came in.
    expect(policy({ host: '10.1.2.3' }).status('x').base_url).toBe('http://10.1.2.3:8787');
    expect(policy({ host: '0.0.0.0', addresses: () => [] }).status('http://owner:1').base_url).toBe('http://owner:1');
    expect(policy({ host: '0.0.0.0', publicUrl: 'https://home.example.net/trove' }).status('x').base_url).toBe('https://home.example.net/trove');
  });

  it('cloud mode: always, on TROVE_PUBLIC_URL or the origin the owner used, without a warning', () => {
    expect(policy({ mode: 'cloud' }).status('https://trove.example.com')).toEqual({ available: true, code: null, message: null, warning: null, base_url: 'https://trove.example.com' });
    expect(policy({ mode: 'cloud', publicUrl: 'https://share.example.com' }).status('https://x').base_url).toBe('https://share.example.com');
  });
});

describe('share settings', () => {
  it('have defaults, and read TROVE_PUBLIC_URL as an origin with an optional path', () => {
    expect(loadShareConfig({})).toEqual({ allowRemote: false, publicUrl: undefined, requestsPerMinute: 600 });
    expect(loadShareConfig({ TROVE_ALLOW_REMOTE: '1', TROVE_PUBLIC_URL: 'https://Trove.Example.com/base/', TROVE_SHARE_REQUESTS_PER_MIN: '30' }))
      .toEqual({ allowRemote: true, publicUrl: 'https://trove.example.com/base', requestsPerMinute: 30 });
  });

  it.each([
    ['TROVE_PUBLIC_URL', 'trove.example.com', /TROVE_PUBLIC_URL must be a URL/],
    ['TROVE_PUBLIC_URL', 'ftp://trove.example.com', /must start with http/],
    ['TROVE_PUBLIC_URL', 'https://trove.example.com/?a=1', /without query/],
    ['TROVE_SHARE_REQUESTS_PER_MIN', '0', /TROVE_SHARE_REQUESTS_PER_MIN must be a whole number between 1 and/],
  ])('stop on a bad %s (%s)', (name, value, message) => {
    expect(() => loadShareConfig({ [name]: value })).toThrow(message);
  });
});
