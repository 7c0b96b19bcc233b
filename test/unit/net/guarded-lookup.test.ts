import { createServer, connect, type Server, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockedUrlError } from '../../../src/errors/index.ts';
import { createAddressGuard, type AddressGuard } from '../../../src/net/guarded-lookup.ts';
import { startDnsServer, type TestDnsServer } from '../../helpers/dns-server.ts';

let dns: TestDnsServer;
let guard: AddressGuard;

beforeAll(async () => {
  dns = await startDnsServer();
  guard = createAddressGuard({ allowPrivateNetworks: false, allowedNetworks: ['127.0.0.1/32'], dnsServers: [dns.address] }, 1_000);
});
afterAll(() => dns?.close());

function errorOf(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: NodeJS.ErrnoException) => err,
  );
}

describe('createAddressGuard with DNS servers', () => {
  it.each([
    ['loopback', ['127.0.0.2']],
    ['ten', ['10.0.0.1']],
    ['rfc1918-172', ['172.16.0.1']],
    ['rfc1918-192', ['192.168.1.1']],
    ['metadata', ['169.254.169.254']],
    ['unspecified', ['0.0.0.0']],
    ['v6-loopback', ['::1']],
    ['v6-mapped', ['::ffff:127.0.0.2']],
    ['v6-mapped-hex', ['::ffff:7f00:2']],
    ['v6-link-local', ['fe80::1']],
    ['one-bad-of-two', ['127.0.0.1', '127.0.0.2']],
  ])('refuses %s.sw.test, which answers %j', async (label, answers) => {
    const name = `${label}.sw.test`;
    dns.set(name, { answers });
    const err = await errorOf(guard.resolve(name));
    expect(err).toBeInstanceOf(BlockedUrlError);
    expect(err.message).toMatch(new RegExp(`^${name} resolves to `));
    expect(err.message).toContain('SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true');
    expect(err.message).toContain('SCRUBWATCH_ALLOWED_NETWORKS');
  });

  it('returns every address of an allowed name, A and AAAA', async () => {
    dns.set('public.sw.test', { answers: ['127.0.0.1', '2606:4700:4700::1111'] });
    expect(await guard.resolve('public.sw.test')).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
    ]);
  });

  it('answers literal addresses and localhost names without DNS', () => {
    expect(guard.checkLiteral('127.0.0.1')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(guard.checkLiteral('[2606:4700:4700::1111]')).toEqual([{ address: '2606:4700:4700::1111', family: 6 }]);
    expect(guard.checkLiteral('public.sw.test')).toBeNull();
    for (const host of ['127.0.0.2', '[::1]', '[::ffff:7f00:2]', '[::ffff:127.0.0.2]', '0.0.0.0', 'localhost', 'api.LOCALHOST']) {
      expect(() => guard.checkLiteral(host)).toThrow(BlockedUrlError);
    }
    expect(dns.queries('localhost')).toBe(0);
  });

  it('reports a name that does not exist as ENOTFOUND, and a server that never answers as EAI_AGAIN', async () => {
    expect((await errorOf(guard.resolve('missing.sw.test'))).code).toBe('ENOTFOUND');
    dns.set('silent.sw.test', { silent: true });
    const err = await errorOf(guard.resolve('silent.sw.test'));
    expect(err.code).toBe('EAI_AGAIN');
    expect(dns.queries('silent.sw.test')).toBeGreaterThan(0);
  });

  it('resolves a rebinding name once per connection, each answer checked', async () => {
    dns.set('rebind.sw.test', { answers: ['127.0.0.1'], then: ['127.0.0.2'] });
    expect(await guard.resolve('rebind.sw.test')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    await expect(guard.resolve('rebind.sw.test')).rejects.toThrow(/rebind\.sw\.test resolves to 127\.0\.0\.2/);
  });

  it('serves as a lookup function: all, first, and one family', async () => {
    dns.set('both.sw.test', { answers: ['127.0.0.1'] });
    const call = (options: { all?: boolean; family?: number }) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
        guard.lookup('both.sw.test', options, (err, address, family) => resolve({ err, address, family })),
      );
    expect((await call({ all: true })).address).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(await call({})).toMatchObject({ err: null, address: '127.0.0.1', family: 4 });
    expect((await call({ family: 6 })).err?.code).toBe('ENOTFOUND');
    dns.set('both.sw.test', { answers: ['127.0.0.2'] });
    expect((await call({ all: true })).err).toBeInstanceOf(BlockedUrlError);
  });
});

describe('net.connect through the guarded lookup', () => {
  const servers: Server[] = [];
  const accepted = { public: 0, private: 0 };

  async function listen(host: '127.0.0.1' | '127.0.0.2', port: number): Promise<number> {
    const server = createServer((socket) => {
      accepted[host === '127.0.0.1' ? 'public' : 'private']++;
      socket.end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    return (server.address() as AddressInfo).port;
  }

  afterAll(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
  });

  it('connects to the checked address, and never to a refused one', async () => {
    const port = await listen('127.0.0.2', 0);
    await listen('127.0.0.1', port);
    const open = (host: string) =>
      new Promise<Error | null>((resolve) => {
        const socket = connect({ host, port, lookup: guard.lookup });
        socket.once('connect', () => (socket.destroy(), resolve(null)));
        socket.once('error', resolve);
      });
    dns.set('flip.sw.test', { answers: ['127.0.0.1'], then: ['127.0.0.2'] });
    expect(await open('flip.sw.test')).toBeNull();
    for (let i = 0; i < 3; i++) expect(await open('flip.sw.test')).toBeInstanceOf(BlockedUrlError);
    await expect.poll(() => accepted.public).toBe(1);
    expect(accepted.private).toBe(0);
    expect(dns.served('flip.sw.test')).toContain('127.0.0.2');
  });
});

describe('createAddressGuard with the system resolver', () => {
  it('refuses localhost without asking anyone, and lets everything through when private networks are allowed', async () => {
    const system = createAddressGuard({ allowPrivateNetworks: false });
    await expect(system.resolve('localhost')).rejects.toThrow(BlockedUrlError);
    const open = createAddressGuard({ allowPrivateNetworks: true });
    expect((await open.resolve('localhost')).map((a) => a.address)).toContain('127.0.0.1');
    expect(await open.resolve('[::ffff:127.0.0.2]')).toEqual([{ address: '::ffff:127.0.0.2', family: 6 }]);
  });
});
