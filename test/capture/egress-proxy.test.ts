import { createSocket } from 'node:dgram';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserHost, type BrowserHost } from '../../src/capture/browser.ts';
import { startEgressProxy, type EgressProxy } from '../../src/capture/egress-proxy.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { startLoopbackPair, type LoopbackPair } from '../helpers/loopback-pair.ts';
import { closedLoopbackPort as closedPort } from '../../src/net/listen-loopback.ts';

const logger = pino({ level: 'silent' });
let dns: TestDnsServer;
let pair: LoopbackPair;
let proxy: EgressProxy;
let proxyPort: number;

beforeAll(async () => {
  [dns, pair] = await Promise.all([startDnsServer(), startLoopbackPair()]);
  dns.set('public.sw.test', { answers: ['127.0.0.1'] });
  dns.set('loop2.sw.test', { answers: ['127.0.0.2'] });
  dns.set('metadata.sw.test', { answers: ['169.254.169.254'] });
  dns.set('mapped.sw.test', { answers: ['::ffff:7f00:2'] });
  proxy = await startEgressProxy({ allowPrivateNetworks: false, allowedNetworks: ['127.0.0.1/32'], dnsServers: [dns.address] }, logger, { dnsTimeoutMs: 1_000 });
  proxyPort = Number(new URL(proxy.url).port);
});
afterAll(async () => {
  await proxy?.close();
  await Promise.all([dns?.close(), pair?.close()]);
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain-http request through the proxy, as Chromium sends one: the absolute URI as the request target. */
function viaProxy(target: string, headers: Record<string, string> = {}, port = proxyPort): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', (err) => reject(new Error(`the answer was cut after ${JSON.stringify(body)}: ${err.message}`)));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A CONNECT through the proxy; resolves with the status line's code and headers, and the socket (open on 200). */
function tunnel(authority: string): Promise<{ status: number; head: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxyPort, '127.0.0.1');
    let head = '';
    socket.setEncoding('latin1');
    socket.on('error', reject);
    socket.on('data', function onData(chunk: string) {
      head += chunk;
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      resolve({ status: Number(head.split(' ')[1]), head: head.slice(0, end), socket });
    });
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  });
}

describe('the egress proxy, plain http', () => {
  it('carries a request to an allowed address with the site status, headers and body, minus hop-by-hop headers', async () => {
    let seen: IncomingHttpHeaders = {};
    pair.public.route('/hello', (req, res) => {
      seen = req.headers;
      res.writeHead(201, { 'x-site': 'yes', 'content-type': 'text/plain' }).end('hello from the site');
    });
    const answer = await viaProxy(`http://public.sw.test:${pair.port}/hello?x=1`, { 'proxy-connection': 'keep-alive', 'x-page': 'kept' });
    expect(answer).toMatchObject({ status: 201, body: 'hello from the site' });
    expect(answer.headers['x-site']).toBe('yes');
    expect(seen.host).toBe(`public.sw.test:${pair.port}`);
    expect(seen['x-page']).toBe('kept');
    expect(seen['proxy-connection']).toBeUndefined();
    expect(proxy.failureFor(`http://public.sw.test:${pair.port}/hello?x=1`)).toBeUndefined();
  });

  it.each(['127.0.0.2', '[::ffff:127.0.0.2]', '[::ffff:7f00:2]', '[::1]', '0.0.0.0', 'localhost', 'loop2.sw.test', 'mapped.sw.test', 'metadata.sw.test'])(
    'refuses %s with 403 and the reason, and records it',
    async (host) => {
      const before = pair.private.connections();
      const target = `http://${host}:${pair.port}/secret`;
      const answer = await viaProxy(target);
      expect(answer.status).toBe(403);
      expect(answer.headers['x-scrubwatch-refused']).toMatch(/private or reserved address; .*SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true/);
      expect(proxy.failureFor(target)).toMatchObject({ code: 'blocked_url' });
      expect(pair.private.connections()).toBe(before);
    },
  );

  it('answers an unknown name and a closed port with 502 and what went wrong', async () => {
    const missing = await viaProxy('http://missing.sw.test/');
    expect(missing.status).toBe(502);
    expect(missing.headers['x-scrubwatch-error']).toMatch(/^dns: /);
    expect(proxy.failureFor('http://missing.sw.test/')?.code).toBe('dns');
    const closed = await closedPort();
    const refused = await viaProxy(`http://127.0.0.1:${closed}/`);
    expect(refused.status).toBe(502);
    expect(proxy.failureFor(`http://127.0.0.1:${closed}/`)?.code).toBe('refused');
  });

  it('bounds the wait for an answer to begin by the connect timeout, and a silence within an answer by the idle timeout', async () => {
    const own = await startEgressProxy({ allowPrivateNetworks: true }, logger, { connectTimeoutMs: 300, idleTimeoutMs: 30_000 });
    const port = Number(new URL(own.url).port);
    try {
      pair.public.route('/silent', () => undefined);
      const silent = await viaProxy(`http://127.0.0.1:${pair.port}/silent`, {}, port);
      expect(silent.status).toBe(502);
      expect(silent.headers['x-scrubwatch-error']).toBe(`timeout: no answer from 127.0.0.1:${pair.port} within 300 ms`);
      // A document that sends its first part and then stalls past the connect timeout is carried whole.
      pair.public.route('/stall', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).write('<p>First part.</p>');
        setTimeout(() => res.end('<p>The rest, after a stall.</p>'), 1_200);
      });
      const stalled = await viaProxy(`http://127.0.0.1:${pair.port}/stall`, {}, port);
      expect(stalled).toMatchObject({ status: 200, body: '<p>First part.</p><p>The rest, after a stall.</p>' });
      expect(own.failureFor(`http://127.0.0.1:${pair.port}/stall`)).toBeUndefined();
    } finally {
      await own.close();
    }
  });

  it('refuses what is not a proxy request: origin-form, https in the clear, oversized headers, upgrades', async () => {
    expect((await viaProxy('/just-a-path')).status).toBe(400);
    expect((await viaProxy(`https://public.sw.test:${pair.port}/`)).status).toBe(400);
    expect((await viaProxy(`http://public.sw.test:${pair.port}/hello`, { 'x-big': 'a'.repeat(20_000) })).status).toBe(431);
    const upgrade = await viaProxy(`http://public.sw.test:${pair.port}/ws`, { connection: 'upgrade', upgrade: 'websocket' });
    expect(upgrade.status).toBe(501);
  });
});

describe('the egress proxy, CONNECT tunnels', () => {
  it('tunnels to an allowed address', async () => {
    pair.public.html('/tunnelled', 'through the tunnel');
    const { status, socket } = await tunnel(`public.sw.test:${pair.port}`);
    expect(status).toBe(200);
    const body = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.write(`GET /tunnelled HTTP/1.1\r\nHost: public.sw.test\r\nConnection: close\r\n\r\n`);
    });
    expect(body).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(body).toContain('through the tunnel');
  });

  it.each(['127.0.0.2', '[::ffff:127.0.0.2]', '[::1]', 'loop2.sw.test', 'metadata.sw.test'])('refuses a tunnel to %s with 403', async (host) => {
    const before = pair.private.connections();
    const { status, head, socket } = await tunnel(`${host}:${pair.port}`);
    socket.destroy();
    expect(status).toBe(403);
    expect(head).toMatch(/X-Scrubwatch-Refused: .*private or reserved address/);
    expect(proxy.failureFor(`https://${host}:${pair.port}/`)).toMatchObject({ code: 'blocked_url' });
    expect(proxy.failureFor(`wss://${host}:${pair.port}/socket`)).toMatchObject({ code: 'blocked_url' });
    expect(pair.private.connections()).toBe(before);
  });

  it('never tunnels to the private answer of a rebinding name', async () => {
    dns.set('rebind.sw.test', { answers: ['127.0.0.1'], then: ['127.0.0.2'] });
    const before = { public: pair.public.connections(), private: pair.private.connections() };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { status, socket } = await tunnel(`rebind.sw.test:${pair.port}`);
      statuses.push(status);
      socket.destroy();
    }
    expect(statuses).toEqual([200, 403, 403, 403]);
    expect(dns.served('rebind.sw.test')).toContain('127.0.0.2');
    await expect.poll(() => pair.public.connections()).toBe(before.public + 1);
    expect(pair.private.connections()).toBe(before.private);
  });

  it('refuses a malformed authority, and cuts open tunnels when it closes', async () => {
    expect((await tunnel('no-port-here')).status).toBe(400);
    const own = await startEgressProxy({ allowPrivateNetworks: true }, logger);
    const port = Number(new URL(own.url).port);
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`CONNECT 127.0.0.1:${pair.port} HTTP/1.1\r\n\r\n`);
    await new Promise((resolve) => socket.once('data', resolve));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await own.close();
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});

describe('Chromium behind the browser host proxy', () => {
  let host: BrowserHost;
  beforeAll(() => {
    host = createBrowserHost({ chromiumPath: undefined, allowPrivateNetworks: false, allowedNetworks: ['127.0.0.1/32'] }, logger);
  });
  afterAll(() => host?.close());

  it('sends loopback, link-local and mapped addresses through the proxy, which refuses them', async () => {
    const privateBefore = pair.private.requests.length;
    pair.public.html(
      '/with-subresources',
      `<html><body><h1>Page</h1>
        <img src="http://127.0.0.2:${pair.port}/a.png"><img src="http://169.254.169.254/latest/meta-data/b.png">
        <img src="http://[::ffff:7f00:2]:${pair.port}/c.png"><img src="http://localhost:${pair.port}/d.png"></body></html>`,
    );
    const context = await (await host.get()).newContext();
    try {
      const page = await context.newPage();
      const refused = new Map<string, string | undefined>();
      page.on('response', (response) => {
        if (response.url().endsWith('.png')) refused.set(response.url(), response.headers()['x-scrubwatch-refused']);
      });
      const response = await page.goto(`${pair.public.origin}/with-subresources`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      await expect.poll(() => refused.size).toBe(4);
      for (const reason of refused.values()) expect(reason).toMatch(/private or reserved address/);
      const fetched = await page.evaluate(`fetch('http://127.0.0.2:${pair.port}/api').then((r) => r.status, (e) => String(e))`);
      expect(fetched).not.toBe(200);
    } finally {
      await context.close();
    }
    expect(pair.private.requests.length).toBe(privateBefore);
  });

  it('lets WebRTC send no UDP to a STUN or TURN server on a private address', async () => {
    const udp = createSocket('udp4');
    let datagrams = 0;
    udp.on('message', () => datagrams++);
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.2', resolve));
    const { port } = udp.address();
    const context = await (await host.get()).newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${pair.public.origin}/with-subresources`);
      const state = await page.evaluate(`(async () => {
        const pc = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.2:${port}' },
          { urls: 'turn:127.0.0.2:${port}?transport=udp', username: 'u', credential: 'p' }] });
        pc.createDataChannel('probe');
        await pc.setLocalDescription(await pc.createOffer());
        // Gathering ends at once when UDP is refused; the timer only turns a gathering that never ends into a
        // clear failure below instead of the test timeout.
        await new Promise((resolve) => {
          pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
          setTimeout(resolve, 20000);
        });
        return pc.iceGatheringState;
      })()`);
      expect(state).toBe('complete');
    } finally {
      await context.close();
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    }
    expect(datagrams).toBe(0);
  });
});


