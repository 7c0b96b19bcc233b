import { createServer, type Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import { SessionLease } from './session-lease.ts';
import {
  BackendMessageSplitter,
  cleartextPasswordRequest,
  errorResponse,
  listenChanges,
  notificationChannel,
  passwordText,
  queryText,
  readyForQuery,
  readyStatus,
  simpleQuery,
  syncMessage,
  takeFrontendMessage,
  type BackendMessage,
  type FrontendMessage,
} from './wire-protocol.ts';

/** The embedded database is served on this address only: never beyond the machine. */
export const LOOPBACK = '127.0.0.1';

export interface SessionServerOptions {
  db: PGlite;
  /** 0 lets the system pick a free port. */
  port: number;
  /** Every client must present it; it keeps other users of the machine out of the database. */
  password: string;
  /** How long a statement waits for the session before it fails, so a transaction left open cannot hang everyone. */
  leaseTimeoutMs: number;
  logger: Logger;
}

export interface SessionServer {
  readonly port: number;
  /** How `pg` and BullMQ's Postgres backend reach the database. */
  readonly url: string;
  /** Open client connections. */
  connectionCount(): number;
  /** Stops accepting, disconnects every client (rolling back what each left open) and waits for that to finish. */
  close(): Promise<void>;
}

interface Shared {
  db: PGlite;
  lease: SessionLease<Connection>;
  password: Buffer;
  leaseTimeoutMs: number;
  logger: Logger;
  connections: Set<Connection>;
}

/**
 * Serves one PGlite session to many Postgres clients over loopback TCP. PGlite is a single session, so clients
 * take turns: a client holds the session from the first message of a protocol cycle until PGlite is idle outside
 * a transaction again (see SessionLease). @electric-sql/pglite-socket 0.2.17 takes turns per message instead and
 * lets one client's Bind land on another's Parse when a large message arrives in several TCP chunks.
 *
 * Session state is shared by every client: SET, search_path, session advisory locks, prepared statement names.
 * LISTEN is tracked per client, and each notification goes to the clients that asked for its channel.
 */
export async function startSessionServer(options: SessionServerOptions): Promise<SessionServer> {
  const shared: Shared = {
    db: options.db,
    lease: new SessionLease<Connection>(),
    password: Buffer.from(options.password, 'utf8'),
    leaseTimeoutMs: options.leaseTimeoutMs,
    logger: options.logger,
    connections: new Set(),
  };
  const server = createServer((socket) => {
    const connection = new Connection(socket, shared);
    shared.connections.add(connection);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOOPBACK, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : options.port);
    });
  });
  server.on('error', (err) => options.logger.warn({ err: err.message }, 'embedded database server error'));
  let closing: Promise<void> | null = null;
  return {
    port,
    url: `postgres://postgres:${encodeURIComponent(options.password)}@${LOOPBACK}:${port}/postgres`,
    connectionCount: () => shared.connections.size,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.all([...shared.connections].map((c) => c.terminate()));
        await stopped;
      })();
      return closing;
    },
  };
}

type CycleStatus = 'I' | 'T' | 'E' | null;

/** One client: frames its messages, runs them on the session while holding the lease, writes back the answers. */
class Connection {
  readonly channels = new Set<string>();
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  private startup: Buffer | null = null;
  private authenticated = false;
  private holding = false;
  private discardingUntilSync = false;
  private running: Promise<void> | null = null;
  private finished: Promise<void> | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly shared: Shared,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.kick();
    });
    // 'close' always follows 'error'; the cleanup happens there.
    socket.on('error', () => undefined);
    socket.on('close', () => void this.finish());
  }

  /** Disconnects the client and resolves once what it left open on the session is rolled back. */
  terminate(): Promise<void> {
    this.socket.destroy();
    return this.finish();
  }

  /** Delivers a notification raised by another client's statement. */
  deliver(msg: BackendMessage): void {
    this.write(msg.bytes);
  }

  private kick(): void {
    if (this.running !== null || this.finished !== null) return;
    this.running = this.pump()
      .catch((err: unknown) => {
        this.shared.logger.warn({ err: (err as Error).message }, 'embedded database connection failed');
        this.socket.destroy();
      })
      .finally(() => {
        this.running = null;
      });
  }

  private async pump(): Promise<void> {
    while (this.finished === null) {
      const taken = takeFrontendMessage(this.buffer, this.started);
      if (taken === null) return;
      this.buffer = taken.rest;
      await this.handle(taken.message);
    }
  }

  private async handle(m: FrontendMessage): Promise<void> {
    if (m.kind === 'ssl-request' || m.kind === 'gss-request') return this.write(Buffer.from('N'));
    // PGlite has no backend process to interrupt: a cancel request only closes its own connection.
    if (m.kind === 'cancel') return void this.socket.destroy();
    if (m.kind === 'startup') {
      this.started = true;
      this.startup = m.bytes;
      return this.write(cleartextPasswordRequest());
    }
    if (!this.authenticated) {
      if (m.type !== 'p' || !this.passwordMatches(passwordText(m.bytes))) {
        this.write(errorResponse('FATAL', '28P01', 'wrong password for the embedded database: connect with the URL the running scrubwatch process wrote to its lock file'));
        return void this.socket.end();
      }
      this.authenticated = true;
      return this.run(this.startup ?? Buffer.alloc(0), 'startup');
    }
    if (m.type === 'X') return void this.socket.end();
    if (this.discardingUntilSync) {
      if (m.type !== 'S') return;
      this.discardingUntilSync = false;
      return this.write(readyForQuery('I'));
    }
    await this.run(m.bytes, m.type);
    if (m.type === 'Q') this.trackListens(queryText(m.bytes));
  }

  private async run(bytes: Buffer, type: string): Promise<void> {
    if (!this.holding) {
      const granted = await this.shared.lease.acquire(this, this.shared.leaseTimeoutMs);
      if (granted) this.holding = true;
      if (this.finished !== null) return;
      if (!granted) return this.refuse(type);
    }
    const batch = type === 'startup' ? [bytes] : [bytes, ...this.takeFollowing()];
    const status = await this.execute(batch.length === 1 ? bytes : Buffer.concat(batch));
    for (const message of batch.slice(1)) if (message[0] === 0x51) this.trackListens(queryText(message));
    if (status === 'I') this.releaseLease();
  }

  /**
   * The complete messages already received after the one about to run: PGlite takes them in one call (a pg query
   * is five messages: Parse, Bind, Describe, Execute, Sync), which is much faster than one call per message.
   */
  private takeFollowing(): Buffer[] {
    const following: Buffer[] = [];
    for (;;) {
      const taken = takeFrontendMessage(this.buffer, true);
      if (taken === null || taken.message.kind !== 'typed' || taken.message.type === 'X') return following;
      following.push(taken.message.bytes);
      this.buffer = taken.rest;
    }
  }

  /** Answers a cycle that never got the session, the way Postgres answers a failed one. */
  private refuse(type: string): void {
    const seconds = Math.round(this.shared.leaseTimeoutMs / 1000);
    const text = `the embedded database stayed busy for ${seconds}s: another connection held it that long (a transaction left open?)`;
    if (type === 'startup') {
      this.write(errorResponse('FATAL', '55P03', text));
      return void this.socket.end();
    }
    this.write(errorResponse('ERROR', '55P03', text));
    if (type === 'Q' || type === 'S') this.write(readyForQuery('I'));
    else this.discardingUntilSync = true;
  }

  /** Runs one message on the session; returns the transaction status when the message ended a cycle. */
  private async execute(bytes: Buffer): Promise<CycleStatus> {
    const { db } = this.shared;
    const splitter = new BackendMessageSplitter();
    let status: CycleStatus = null;
    await db.runExclusive(() =>
      db.execProtocolRawStream(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), {
        onRawData: (chunk) => {
          const forward: Buffer[] = [];
          for (const msg of splitter.push(chunk)) {
            if (msg.type === 'Z') status = readyStatus(msg);
            if (msg.type === 'A') {
              // Every client shares the session, so Postgres hands the notification to whoever ran the NOTIFY.
              const channel = notificationChannel(msg);
              for (const other of this.shared.connections) if (other !== this && other.channels.has(channel)) other.deliver(msg);
              if (!this.channels.has(channel)) continue;
            }
            forward.push(msg.bytes);
          }
          if (forward.length > 0) this.write(Buffer.concat(forward));
        },
      }),
    );
    return status;
  }

  private trackListens(sql: string): void {
    for (const change of listenChanges(sql)) {
      if (change.listen) this.channels.add(change.channel);
      else if (change.channel === '*') this.channels.clear();
      else this.channels.delete(change.channel);
    }
  }

  private finish(): Promise<void> {
    this.finished ??= (async () => {
      this.shared.connections.delete(this);
      this.shared.lease.cancel(this);
      await this.running;
      if (!this.holding) return;
      try {
        // End any half-sent extended-protocol cycle, then undo the transaction the client walked away from.
        await this.execute(syncMessage());
        if (this.shared.db.isInTransaction()) await this.execute(simpleQuery('rollback'));
      } catch (err) {
        this.shared.logger.warn({ err: (err as Error).message }, 'embedded database rollback after disconnect failed');
      } finally {
        this.releaseLease();
      }
    })();
    return this.finished;
  }

  private releaseLease(): void {
    this.holding = false;
    this.shared.lease.release(this);
  }

  private passwordMatches(given: string): boolean {
    const candidate = Buffer.from(given, 'utf8');
    return candidate.length === this.shared.password.length && timingSafeEqual(candidate, this.shared.password);
  }

  private write(bytes: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(bytes);
  }
}
