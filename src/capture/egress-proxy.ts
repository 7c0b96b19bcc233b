import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { BlockedUrlError } from '../errors/index.ts';
import { createAddressGuard, DEFAULT_DNS_TIMEOUT_MS } from '../net/guarded-lookup.ts';
import type { NetworkPolicy } from '../net/network-policy.ts';
import { bareHost } from '../net/private-address.ts';
import { listenOnLoopback } from '../net/listen-loopback.ts';

/** Why the proxy did not carry a request: refused by the policy, or the site could not be reached. */
export interface EgressFailure {
  code: 'blocked_url' | 'dns' | 'refused' | 'timeout' | 'reset' | 'network';
  reason: string;
}

/** An HTTP proxy on loopback through which Chromium makes every request, each checked at request time. */
export interface EgressProxy {
  /** `http://127.0.0.1:<port>`, for Playwright's `proxy.server`. */
  url: string;
  /**
   * Why the proxy last failed a request for `url`: the exact URL for plain http, its host and port for https and
   * websockets (they arrive as CONNECT tunnels). Undefined when it carried the last one, or never saw it.
   */
  failureFor(url: string): EgressFailure | undefined;
  /** Stops listening and cuts every connection and tunnel. */
  close(): Promise<void>;
}

export interface EgressOptions {
  dnsTimeoutMs?: number;
  /** Connecting to the site and (plain http) waiting for its answer to begin, in milliseconds (default 30 s). */
  connectTimeoutMs?: number;
  /**
   * A tunnel, or a plain-http answer under way, with no traffic for this long is cut, in milliseconds (default
   * 60 s). A capture's proxy is given the capture's whole time: a document that stalls is the capture's to read
   * as it stands at its deadline, not the proxy's to cut.
   */
  idleTimeoutMs?: number;
}

/** Sent with every refusal, so a person reading a capture's headers sees who answered. */
export const REFUSED_HEADER = 'X-Scrubwatch-Refused';
export const ERROR_HEADER = 'X-Scrubwatch-Error';

const MAX_HEADER_BYTES = 16 * 1024;
const MAX_CONNECTIONS = 256;
const MAX_REMEMBERED = 512;
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer',
  'transfer-encoding', 'upgrade',
]);

/** `host:port` of a CONNECT request, host as a URL writes it (`[::ffff:7f00:2]`), or null when malformed. */
function parseAuthority(authority: string): { hostname: string; port: number; key: string } | null {
  const match = /^(\[[0-9a-f:.%]+\]|[^\s/:@[\]]+):(\d{1,5})$/i.exec(authority);
  const port = Number(match?.[2]);
  if (!match?.[1] || port < 1 || port > 65535) return null;
  let hostname: string;
  try {
    hostname = new URL(`http://${match[1]}/`).hostname;
  } catch {
    return null;
  }
  return { hostname, port, key: `${hostname}:${port}` };
}

function failureOf(err: unknown): EgressFailure {
  if (err instanceof BlockedUrlError) return { code: 'blocked_url', reason: err.message };
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  const reason = e.message || String(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { code: 'dns', reason };
  if (code === 'ECONNREFUSED') return { code: 'refused', reason };
  if (code === 'ETIMEDOUT') return { code: 'timeout', reason };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { code: 'reset', reason };
  return { code: 'network', reason };
}

function timedOut(what: string, ms: number): Error {
  return Object.assign(new Error(`${what} within ${ms} ms`), { code: 'ETIMEDOUT' });
}

/** A header value that cannot break the response: printable ASCII only, bounded. */
function headerValue(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 500);
}

function statusLine(failure: EgressFailure): string {
  return failure.code === 'blocked_url' ? '403 Forbidden' : '502 Bad Gateway';
}

function failureHeader(failure: EgressFailure): [string, string] {
  return failure.code === 'blocked_url' ? [REFUSED_HEADER, headerValue(failure.reason)] : [ERROR_HEADER, `${failure.code}: ${headerValue(failure.reason)}`];
}

/** Raw request or response headers without the ones that only describe one hop (RFC 9110 §7.6.1), nor `also`. */
function endToEnd(raw: string[], also?: string): string[] {
  const named = new Set<string>(also ? [also] : []);
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() === 'connection') for (const token of (raw[i + 1] ?? '').split(',')) named.add(token.trim().toLowerCase());
  }
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (!HOP_BY_HOP.has(name.toLowerCase()) && !named.has(name.toLowerCase())) kept.push(name, raw[i + 1] ?? '');
  }
  return kept;
}

/**
 * Starts the egress proxy for `policy` on 127.0.0.1 and a free port. It carries CONNECT tunnels (https, wss) and
 * absolute-URI plain-http requests, resolving each host through the guarded resolver and connecting to exactly the
 * address it checked, so neither a redirect, a subresource, a script nor a rebinding DNS answer reaches an address
 * the policy forbids. A refused request is answered 403 with `X-Scrubwatch-Refused: <reason>`, an unreachable
 * site 502 with `X-Scrubwatch-Error`; both are remembered for `failureFor`.
 */
export async function startEgressProxy(policy: NetworkPolicy, logger: Logger, options: EgressOptions = {}): Promise<EgressProxy> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const guard = createAddressGuard(policy, options.dnsTimeoutMs ?? DEFAULT_DNS_TIMEOUT_MS);
  const failures = new Map<string, EgressFailure>();
  const sockets = new Set<Duplex>();
  const agent = new Agent({ keepAlive: true, maxSockets: 16, timeout: idleTimeoutMs });

  const track = (socket: Duplex): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const remember = (key: string, failure: EgressFailure): void => {
    failures.delete(key);
    failures.set(key, failure);
    if (failures.size > MAX_REMEMBERED) failures.delete(failures.keys().next().value ?? '');
    logger.debug({ key, code: failure.code, reason: failure.reason }, failure.code === 'blocked_url' ? 'egress refused' : 'egress failed');
  };
  const carried = (key: string): void => {
    // A refusal stays on record for the capture; a passing network failure should not outlive a later success.
    if (failures.get(key)?.code !== 'blocked_url') failures.delete(key);
  };

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: 20_000, requestTimeout: 120_000, keepAliveTimeout: 5_000 });
  server.maxConnections = MAX_CONNECTIONS;
  server.on('connection', track);

  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const clientSocket = client as Socket;
    clientSocket.on('error', () => clientSocket.destroy());
    const target = parseAuthority(req.url ?? '');
    if (!target) {
      clientSocket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const refuse = (failure: EgressFailure): void => {
      remember(target.key, failure);
      const [name, value] = failureHeader(failure);
      clientSocket.end(`HTTP/1.1 ${statusLine(failure)}\r\n${name}: ${value}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    try {
      guard.checkLiteral(target.hostname);
    } catch (err) {
      refuse(failureOf(err));
      return;
    }
    let connected = false;
    const upstream = connect({ host: bareHost(target.hostname), port: target.port, lookup: guard.lookup, timeout: connectTimeoutMs });
    track(upstream);
    upstream.on('timeout', () => upstream.destroy(connected ? undefined : timedOut(`no connection to ${target.key}`, connectTimeoutMs)));
    upstream.on('error', (err) => {
      if (!connected && !clientSocket.destroyed) refuse(failureOf(err));
      else clientSocket.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      carried(target.key);
      upstream.setTimeout(idleTimeoutMs);
      clientSocket.setTimeout(idleTimeoutMs, () => clientSocket.destroy());
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    upstream.once('close', () => {
      if (connected) clientSocket.destroy();
    });
    clientSocket.once('close', () => upstream.destroy());
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const answer = (status: number, header: [string, string] | null, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close', ...(header ? { [header[0]]: header[1] } : {}) });
      res.end(text);
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      answer(400, null, 'scrubwatch egress proxy: only absolute http:// request URIs are carried\n');
      return;
    }
    if (url.protocol !== 'http:') {
      answer(400, null, `scrubwatch egress proxy: ${url.protocol} is not carried; https goes through CONNECT\n`);
      return;
    }
    const key = url.href;
    let abandoned = false;
    const fail = (failure: EgressFailure): void => {
      // Chromium hanging up (a closed page, a cancelled image) is not the site failing.
      if (abandoned) return;
      remember(key, failure);
      if (res.headersSent) res.destroy();
      else answer(failure.code === 'blocked_url' ? 403 : 502, failureHeader(failure), `scrubwatch egress proxy: ${failure.reason}\n`);
    };
    try {
      guard.checkLiteral(url.hostname);
    } catch (err) {
      fail(failureOf(err));
      req.resume();
      return;
    }
    const upstream = request({
      host: bareHost(url.hostname),
      port: Number(url.port || 80),
      method: req.method,
      path: `${url.pathname}${url.search}`,
      // A proxy replaces Host with the target's authority (RFC 9112 §3.2.2): the site sees the URL that was asked for.
      headers: ['Host', url.host, ...endToEnd(req.rawHeaders, 'host')],
      setHost: false,
      lookup: guard.lookup,
      agent,
      timeout: connectTimeoutMs,
      maxHeaderSize: MAX_HEADER_BYTES * 4,
    });
    let answering = false;
    upstream.on('timeout', () => {
      upstream.destroy(answering ? timedOut(`nothing more from ${url.host}`, idleTimeoutMs) : timedOut(`no answer from ${url.host}`, connectTimeoutMs));
    });
    upstream.on('error', (err) => fail(failureOf(err)));
    upstream.on('response', (incoming) => {
      // The answer has begun: from here only a silence longer than the idle timeout ends it.
      answering = true;
      upstream.setTimeout(idleTimeoutMs);
      carried(key);
      try {
        res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, endToEnd(incoming.rawHeaders));
      } catch (err) {
        incoming.destroy();
        fail({ code: 'network', reason: `the site's answer could not be passed on: ${(err as Error).message}` });
        return;
      }
      incoming.pipe(res);
      incoming.on('error', () => res.destroy());
    });
    res.on('close', () => {
      if (res.writableFinished) return;
      abandoned = true;
      upstream.destroy();
    });
    req.on('error', () => upstream.destroy());
    req.pipe(upstream);
  });

  // Chromium sends websockets through CONNECT; a plain-http upgrade through a proxy is not something it does.
  server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
    socket.end('HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });

  const port = await listenOnLoopback(server);
  server.on('error', (err) => logger.warn({ err: err.message }, 'egress proxy error'));

  return {
    url: `http://127.0.0.1:${port}`,
    failureFor(target) {
      let parsed: URL;
      try {
        parsed = new URL(target);
      } catch {
        return undefined;
      }
      if (parsed.protocol === 'http:') return failures.get(parsed.href);
      const port = parsed.port || (parsed.protocol === 'https:' || parsed.protocol === 'wss:' ? '443' : '80');
      return failures.get(`${parsed.hostname}:${port}`);
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
