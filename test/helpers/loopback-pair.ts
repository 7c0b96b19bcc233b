import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** One of the pair: answers the routes it is given (404 otherwise) and remembers every request and connection. */
export interface LoopbackSite {
  /** `http://<ip>:<port>` */
  origin: string;
  html(path: string, body: string): void;
  redirect(path: string, location: string, status?: number): void;
  route(path: string, handler: Handler): void;
  /** Paths of every HTTP request received, in order. */
  requests: string[];
  /** TCP connections accepted (a request may never be parsed, a tunnel carries none). */
  connections(): number;
}

/**
 * Two HTTP servers on the same port: a "public" one on 127.0.0.1 (tests allow 127.0.0.1/32 as if it were public)
 * and a "private" one on 127.0.0.2, which Linux also routes to the loopback interface. A name that rebinds from
 * one to the other keeps its port, so a request that slipped through would land on the private server.
 */
export interface LoopbackPair {
  port: number;
  public: LoopbackSite;
  private: LoopbackSite;
  close(): Promise<void>;
}

function site(): { site: LoopbackSite; server: Server } {
  const routes = new Map<string, Handler>();
  const requests: string[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(path);
    req.resume();
    const handler = routes.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    socket.on('error', () => undefined);
  });
  server.keepAliveTimeout = 500;
  return {
    server,
    site: {
      origin: '',
      html: (path, body) => routes.set(path, (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body)),
      redirect: (path, location, status = 302) => routes.set(path, (_req, res) => res.writeHead(status, { location }).end()),
      route: (path, handler) => routes.set(path, handler),
      requests,
      connections: () => connections,
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startLoopbackPair(): Promise<LoopbackPair> {
  for (let attempt = 0; ; attempt++) {
    const pub = site();
    const priv = site();
    const port = await listen(priv.server, '127.0.0.2', 0);
    try {
      await listen(pub.server, '127.0.0.1', port);
    } catch (err) {
      await new Promise((resolve) => priv.server.close(resolve));
      if (attempt < 5) continue;
      throw err;
    }
    pub.site.origin = `http://127.0.0.1:${port}`;
    priv.site.origin = `http://127.0.0.2:${port}`;
    return {
      port,
      public: pub.site,
      private: priv.site,
      async close() {
        for (const { server } of [pub, priv]) {
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
        }
      },
    };
  }
}
