import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP forwarder in front of a real server (the shared Postgres), so a test can make that server "go away" for
 * the processes it starts — every open connection reset, new ones refused — and come back, without touching the
 * server itself or anyone else's connections to it.
 */
export interface TcpProxy {
  port: number;
  /** `url` with its host and port replaced by this proxy's. */
  rewrite(url: string): string;
  /** Resets every open connection and stops listening, so new ones are refused, until `restore`. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /**
   * Cuts (as `cut`) once a client has sent bytes containing `text` — e.g. a statement's SQL — and the server
   * answered them: the server ran the statement, and the connection dies before the client hears back.
   */
  cutWhenSent(text: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 and a free port that forwards to `targetHost:targetPort`. */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();

  const track = (socket: Socket): void => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    // A reset is what the test asked for; the peers see it, the proxy need not.
    socket.on('error', () => undefined);
  };

  let trigger: { text: string; fire: () => void } | undefined;

  const server = createServer((client) => {
    track(client);
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    let armed: (() => void) | undefined;
    client.on('data', (chunk: Buffer) => {
      if (!upstream.write(chunk)) client.pause();
      if (trigger && chunk.includes(trigger.text)) {
        armed = trigger.fire;
        trigger = undefined;
      }
    });
    upstream.on('drain', () => client.resume());
    upstream.on('data', (chunk: Buffer) => {
      // The server ran the statement and answered; the client never hears it.
      if (armed) return armed();
      if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (on: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(on, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()));
  await listen(0);
  const { port } = server.address() as AddressInfo;
  let isCut = false;

  const cut = async (): Promise<void> => {
    if (isCut) return;
    isCut = true;
    const closed = stopListening();
    for (const socket of open) socket.resetAndDestroy();
    await closed;
  };

  return {
    port,
    rewrite(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut,
    cutWhenSent(text, timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          trigger = undefined;
          reject(new Error(`nothing sent "${text}" within ${timeoutMs} ms`));
        }, timeoutMs);
        let fired = false;
        trigger = {
          text,
          fire: () => {
            if (fired) return;
            fired = true;
            clearTimeout(timer);
            void cut().then(resolve, reject);
          },
        };
      });
    },
    async restore() {
      if (!isCut) return;
      await listen(port);
      isCut = false;
    },
    async close() {
      for (const socket of open) socket.destroy();
      if (!isCut) await stopListening();
      isCut = true;
    },
  };
}
