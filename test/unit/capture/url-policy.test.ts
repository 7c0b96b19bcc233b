import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BlockedUrlError, InvalidInputError } from '../../../src/errors/index.ts';
import { assertHostAllowed, assertUrlAllowed, isPrivateAddress, isPrivateHost, normalizeUrl } from '../../../src/capture/url-policy.ts';

describe('normalizeUrl', () => {
  it.each([
    ['  https://WWW.Defense.GOV/News/Releases/  ', 'https://www.defense.gov/News/Releases/'],
    ['https://www.army.mil:443/article/123', 'https://www.army.mil/article/123'],
    ['http://www.af.mil:80/News', 'http://www.af.mil/News'],
    ['http://www.af.mil:8080/News', 'http://www.af.mil:8080/News'],
    ['https://www.navy.mil/Press-Office/?id=5&b=Z#section-2', 'https://www.navy.mil/Press-Office/?id=5&b=Z'],
    ['https://www.marines.mil', 'https://www.marines.mil/'],
    ['https://www.dvidshub.net/image/5124?q=a%20b&x=', 'https://www.dvidshub.net/image/5124?q=a%20b&x='],
  ])('normalises %s', (input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['www.defense.gov/news', /not a valid URL/],
    ['ftp://ftp.defense.gov/file', /only http:\/\/ and https:\/\//],
    ['javascript:alert(1)', /only http:\/\/ and https:\/\//],
    ['file:///etc/passwd', /only http:\/\/ and https:\/\//],
    ['https://user:secret@www.defense.gov/', /user name or password/],
    [`https://www.defense.gov/${'a'.repeat(2048)}`, /at most 2048/],
  ])('rejects %j', (input, message) => {
    const attempt = (): string => normalizeUrl(input);
    expect(attempt).toThrow(InvalidInputError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (err) {
      expect((err as InvalidInputError).field).toBe('url');
    }
  });

  it('does not echo a password in its message', () => {
    expect(() => normalizeUrl('https://user:hunter2@www.defense.gov/')).toThrow(/^(?!.*hunter2)/);
  });
});

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '100.127.255.254', '0.0.0.0', '224.0.0.251', '255.255.255.255', '192.0.2.10', '198.18.0.1',
    '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1', '::ffff:127.0.0.1',
    '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', '2002:c0a8:0101::1', '2001:db8::1', '[::1]',
  ])('%s is private', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.169.0.1', '23.55.1.1', '2606:4700:4700::1111',
    '2a00:1450:4001:82b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808',
  ])('%s is public', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });

  it('throws InvalidInputError for something that is not an IP', () => {
    expect(() => isPrivateAddress('www.defense.gov')).toThrow(InvalidInputError);
    expect(() => isPrivateAddress('1:2:3')).toThrow(InvalidInputError);
  });

  it('isPrivateHost covers localhost names and literal IPs without DNS', () => {
    expect(isPrivateHost('localhost')).toBe(true);
    expect(isPrivateHost('api.LOCALHOST')).toBe(true);
    expect(isPrivateHost('[::1]')).toBe(true);
    expect(isPrivateHost('10.0.0.8')).toBe(true);
    expect(isPrivateHost('www.defense.gov')).toBe(false);
    expect(isPrivateHost('93.184.216.34')).toBe(false);
  });
});

describe('assertUrlAllowed', () => {
  it.each([
    'http://127.0.0.1:8080/',
    'http://[::1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://[::ffff:192.168.0.1]/',
    'http://[::ffff:127.0.0.2]/',
    'http://[::ffff:7f00:2]/',
    'http://0.0.0.0/',
    'http://10.0.0.1/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://localhost:3000/',
  ])('refuses %s with a message naming the switch', async (url) => {
    const attempt = assertUrlAllowed(url, false);
    await expect(attempt).rejects.toThrow(BlockedUrlError);
    await expect(assertUrlAllowed(url, false)).rejects.toThrow(/SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true/);
  });

  it('lets every one of them through when private networks are allowed', async () => {
    await expect(assertUrlAllowed('http://127.0.0.1:8080/', true)).resolves.toBeUndefined();
    await expect(assertUrlAllowed('http://localhost/', true)).resolves.toBeUndefined();
  });

  it('allows a public literal IP without asking DNS', async () => {
    await expect(assertUrlAllowed('http://8.8.8.8/', false)).resolves.toBeUndefined();
  });

  it('blocks a name that resolves to a private address', async () => {
    // /etc/hosts maps the machine's own name to loopback (or, in a container, to its private bridge address).
    const own = hostname();
    const addresses = await lookup(own, { all: true });
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.every((a) => isPrivateAddress(a.address))).toBe(true);
    await expect(assertUrlAllowed(`http://${own}/`, false)).rejects.toThrow(new RegExp(`${own} resolves to`));
  });

  it('lets a name that does not resolve through, so the capture records a dns error', async () => {
    const started = Date.now();
    await expect(assertUrlAllowed('http://no-such-host.invalid/', false, 2_000)).resolves.toBeUndefined();
    // Where no DNS server answers, the whole 2 s cap is spent; left to the resolver (5 s a try by default) it is longer.
    expect(Date.now() - started).toBeLessThan(2_000 + 2_000);
  });

  it('rejects a URL that does not parse as invalid input', async () => {
    await expect(assertUrlAllowed('not a url', false)).rejects.toThrow(InvalidInputError);
  });

  it('lets exactly the allowed networks through, mapped IPv6 forms included', async () => {
    const policy = { allowPrivateNetworks: false, allowedNetworks: ['127.0.0.1/32', '10.1.2.0/24'] };
    for (const url of ['http://127.0.0.1:8080/', 'http://10.1.2.3/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a01:203]/']) {
      await expect(assertUrlAllowed(url, policy)).resolves.toBeUndefined();
    }
    for (const url of ['http://127.0.0.2/', 'http://[::ffff:7f00:2]/', 'http://10.1.3.1/', 'http://169.254.169.254/', 'http://[::1]/']) {
      await expect(assertUrlAllowed(url, policy)).rejects.toThrow(/SCRUBWATCH_ALLOWED_NETWORKS/);
    }
  });
});

describe('assertHostAllowed', () => {
  it('refuses literal and localhost hosts at once, and leaves names to the connection', () => {
    expect(() => assertHostAllowed('http://169.254.169.254/latest/meta-data/', false)).toThrow(BlockedUrlError);
    expect(() => assertHostAllowed('http://[::ffff:127.0.0.2]:81/', { allowPrivateNetworks: false, allowedNetworks: ['127.0.0.1/32'] })).toThrow(BlockedUrlError);
    expect(() => assertHostAllowed('http://api.localhost/', false)).toThrow(BlockedUrlError);
    expect(() => assertHostAllowed(`http://${hostname()}/`, false)).not.toThrow();
    expect(() => assertHostAllowed('http://127.0.0.1:81/', { allowPrivateNetworks: false, allowedNetworks: ['127.0.0.1/32'] })).not.toThrow();
    expect(() => assertHostAllowed('http://127.0.0.1/', true)).not.toThrow();
  });

  it('refuses every scheme but http(s), whatever the policy allows: a row that skipped normalizeUrl is never read', () => {
    for (const url of ['file:///etc/passwd', 'view-source:file:///etc/passwd', 'chrome://version/', 'data:text/html,x', 'ftp://127.0.0.1/', 'javascript:1']) {
      expect(() => assertHostAllowed(url, true), url).toThrow(BlockedUrlError);
    }
    expect(() => assertHostAllowed('HTTPS://127.0.0.1/', true)).not.toThrow();
  });
});
