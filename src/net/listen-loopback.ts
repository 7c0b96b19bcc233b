import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * Starts `server` on a free port of 127.0.0.1 and resolves with the port, or rejects with the listen error. Every
 * local server scrubwatch and its tests start (the egress proxy, the fixture site, test peers) listens this way.
 */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** A port of 127.0.0.1 that was free a moment ago and has nothing listening on it now. */
export async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
