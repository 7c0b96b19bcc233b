import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { ConfigError } from '../../../src/errors/index.ts';
import { compilePolicy, isValidDnsServer, isValidNetwork } from '../../../src/net/network-policy.ts';

describe('isValidNetwork', () => {
  it.each(['10.1.2.0/24', '127.0.0.1/32', '127.0.0.1', '0.0.0.0/0', 'fd00::/8', '::1', '::ffff:10.0.0.0/104'])('accepts %s', (value) => {
    expect(isValidNetwork(value)).toBe(true);
  });

  it.each(['10.1.2.0/33', '10.1.2/24', '0x7f.1/8', 'intranet.example.org', '10.0.0.1/24/1', 'fd00::/129', '', '10.0.0.1/'])(
    'refuses %j',
    (value) => {
      expect(isValidNetwork(value)).toBe(false);
    },
  );
});

describe('isValidDnsServer', () => {
  it.each(['10.0.0.2', '10.0.0.2:5353', '::1', '[::1]:53', '[fd00::53]:5353'])('accepts %s', (value) => {
    expect(isValidDnsServer(value)).toBe(true);
  });

  it.each(['10.0.0.2:0', '10.0.0.2:70000', 'dns.example.org', '[::1]', 'udp://1.1.1.1', '10.0.0.2:53:1'])('refuses %j', (value) => {
    expect(isValidDnsServer(value)).toBe(false);
  });
});

describe('compilePolicy', () => {
  const strict = compilePolicy({ allowPrivateNetworks: false });

  it.each(['8.8.8.8', '23.55.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('always allows the public address %s', (ip) => {
    expect(strict.allows(ip)).toBe(true);
    expect(compilePolicy({ allowPrivateNetworks: false, allowedNetworks: ['10.1.2.0/24'] }).allows(ip)).toBe(true);
  });

  it.each(['127.0.0.1', '127.0.0.2', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', '::', '::ffff:127.0.0.2', '::ffff:7f00:2', 'fe80::1%eth0'])(
    'refuses the private address %s when nothing is allowed',
    (ip) => {
      expect(strict.allows(ip)).toBe(false);
    },
  );

  it('allows exactly the listed networks, IPv4-mapped forms included, and nothing else private', () => {
    const policy = compilePolicy({ allowPrivateNetworks: false, allowedNetworks: ['10.1.2.0/24', '127.0.0.1/32'] });
    for (const ip of ['10.1.2.3', '10.1.2.255', '127.0.0.1', '::ffff:10.1.2.3', '::ffff:a01:203', '::ffff:127.0.0.1']) {
      expect([ip, policy.allows(ip)]).toEqual([ip, true]);
    }
    for (const ip of ['10.1.3.1', '127.0.0.2', '::ffff:7f00:2', '::1', '169.254.169.254', '0.0.0.0', '192.168.1.1', '64:ff9b::a01:203']) {
      expect([ip, policy.allows(ip)]).toEqual([ip, false]);
    }
  });

  it('keeps the metadata address refused unless it is listed itself', () => {
    expect(compilePolicy({ allowPrivateNetworks: false, allowedNetworks: ['10.0.0.0/8'] }).allows('169.254.169.254')).toBe(false);
    const listed = compilePolicy({ allowPrivateNetworks: false, allowedNetworks: ['169.254.169.254'] });
    expect(listed.allows('169.254.169.254')).toBe(true);
    expect(listed.allows('169.254.169.253')).toBe(false);
  });

  it('matches IPv6 networks', () => {
    const policy = compilePolicy({ allowPrivateNetworks: false, allowedNetworks: ['fd00::/8'] });
    expect(policy.allows('fd12:3456::1')).toBe(true);
    expect(policy.allows('fe80::1')).toBe(false);
    expect(policy.allows('::1')).toBe(false);
  });

  it('allows everything when private networks are allowed', () => {
    const open = compilePolicy({ allowPrivateNetworks: true });
    for (const ip of ['127.0.0.1', '169.254.169.254', '::1', '10.0.0.1']) expect(open.allows(ip)).toBe(true);
  });
});

describe('the network settings in the config', () => {
  it('reads comma-separated networks and DNS servers, empty by default', () => {
    const config = loadConfig({ SCRUBWATCH_ALLOWED_NETWORKS: '10.1.2.0/24, 127.0.0.1/32,', SCRUBWATCH_DNS_SERVERS: '127.0.0.1:5353,[::1]:53' });
    expect(config.allowedNetworks).toEqual(['10.1.2.0/24', '127.0.0.1/32']);
    expect(config.dnsServers).toEqual(['127.0.0.1:5353', '[::1]:53']);
    const defaults = loadConfig({});
    expect(defaults.allowedNetworks).toEqual([]);
    expect(defaults.dnsServers).toEqual([]);
  });

  it('refuses a malformed network or server, naming the variable', () => {
    expect(() => loadConfig({ SCRUBWATCH_ALLOWED_NETWORKS: '10.1.2.0/24,intranet' })).toThrow(ConfigError);
    expect(() => loadConfig({ SCRUBWATCH_ALLOWED_NETWORKS: '10.1.2.0/40' })).toThrow(/SCRUBWATCH_ALLOWED_NETWORKS: must be comma-separated CIDRs/);
    expect(() => loadConfig({ SCRUBWATCH_DNS_SERVERS: 'dns.example.org' })).toThrow(/SCRUBWATCH_DNS_SERVERS/);
  });
});
