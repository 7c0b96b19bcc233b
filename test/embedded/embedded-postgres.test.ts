import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { createPool, withTransaction } from '../../src/db/pool.ts';
import { getTarget, insertTarget } from '../../src/db/targets.ts';
import { readDataDirOwner } from '../../src/embedded/data-dir-lock.ts';
import { runningEmbeddedUrl, type EmbeddedPostgres } from '../../src/embedded/embedded-postgres.ts';
import { DataDirLockedError } from '../../src/errors/index.ts';
import { targetOptionsSchema } from '../../src/targets/target-input.ts';
import { INITDB_TIMEOUT_MS, killHard, openEmbedded, spawnOwnerProcess, tempDataDir, TEST_QUEUE_SCHEMA } from '../helpers/embedded.ts';

// A statement can queue behind five whole transactions of the pool, each inserting 300 kB through PGlite in this
// process: on a loaded machine that is seconds, and only a transaction left open should ever wait this long.
const LEASE_TIMEOUT_MS = 15_000;

describe('embedded Postgres served on loopback', () => {
  let dir: Awaited<ReturnType<typeof tempDataDir>>;
  let embedded: EmbeddedPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    dir = await tempDataDir();
    embedded = await openEmbedded(dir.path, { leaseTimeoutMs: LEASE_TIMEOUT_MS });
    pool = createPool(embedded.url, { max: 6 });
    await pool.query('create table probe (id int primary key, body text not null)');
  }, INITDB_TIMEOUT_MS);
  afterAll(async () => {
    await pool?.end();
    await embedded?.close();
    await dir?.remove();
  });

  it('listens on 127.0.0.1 only', () => {
    expect(new URL(embedded.url).hostname).toBe('127.0.0.1');
  });

  it('runs scrubwatch migrations, once', async () => {
    const first = await migrate(pool);
    expect(first.applied).toContain('001_init.sql');
    expect(first.alreadyApplied).toEqual([]);
    const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = 'targets'");
    expect(rows[0]!.n).toBe(1);
    const again = await migrate(pool);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(first.applied);
  });

  it('stores and reads targets through an ordinary pg pool', async () => {
    const inserted = await insertTarget(pool, {
      kind: 'page', url: 'https://example.org/embedded', tweetId: null, name: 'embedded', tags: ['laptop'],
      schedule: { every: '1h' }, fetcher: 'http', options: targetOptionsSchema.parse({}),
    });
    expect(inserted).not.toBeNull();
    const read = await getTarget(pool, inserted!.id);
    expect(read).toMatchObject({ url: 'https://example.org/embedded', tags: ['laptop'], schedule: { every: '1h' }, state: 'active' });
  });

  it("keeps the session's search path whatever a connection asks for in its startup options", async () => {
    // What BullMQ's Postgres backend sends to pin its schema; PGlite ignores startup options.
    const client = new pg.Client({ connectionString: embedded.url, options: '-c search_path="elsewhere"' });
    await client.connect();
    try {
      const { rows } = await client.query<{ search_path: string }>('show search_path');
      expect(rows[0]!.search_path).toBe(`public, ${TEST_QUEUE_SCHEMA}`);
    } finally {
      await client.end();
    }
  });

  it("holds other clients back while one client's transaction is open", async () => {
    await pool.query('delete from probe');
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      await a.query('begin');
      await a.query('insert into probe values (1, $1)', ['from a']);
      let bDone = false;
      const bInsert = b.query('insert into probe values (2, $1)', ['from b']).then(() => (bDone = true));
      const seenByA = await a.query<{ id: number }>('select id from probe order by id');
      expect(seenByA.rows.map((r) => r.id)).toEqual([1]);
      expect(bDone).toBe(false);
      await a.query('rollback');
      await bInsert;
      const after = await pool.query<{ id: number }>('select id from probe order by id');
      expect(after.rows.map((r) => r.id)).toEqual([2]);
    } finally {
      a.release();
      b.release();
    }
  });

  it('keeps many concurrent transactions and large parameterised statements from corrupting each other', async () => {
    await pool.query('delete from probe');
    const body = (i: number) => String.fromCharCode(97 + (i % 26)).repeat(300_000 + i);
    const committed: number[] = [];
    let wrongAnswers = 0;
    await Promise.all(
      Array.from({ length: 36 }, async (_, i) => {
        if (i % 3 === 2) {
          const { rows } = await pool.query<{ n: number; s: string }>('select $1::int as n, $2::text as s', [i, `answer ${i}`]);
          if (rows[0]?.n !== i || rows[0]?.s !== `answer ${i}`) wrongAnswers++;
          return;
        }
        const rollBack = i % 3 === 1;
        await withTransaction(pool, async (client) => {
          const { rows } = await client.query<{ id: number; len: number }>('insert into probe values ($1, $2) returning id, length(body) as len', [i, body(i)]);
          if (rows[0]?.id !== i || rows[0]?.len !== 300_000 + i) wrongAnswers++;
          await client.query('insert into probe values ($1, $2)', [1000 + i, 'small']);
          if (rollBack) throw new Error('roll back on purpose');
        }).then(
          () => committed.push(i),
          (err: Error) => {
            if (!rollBack || err.message !== 'roll back on purpose') throw err;
          },
        );
      }),
    );
    expect(wrongAnswers).toBe(0);
    const { rows } = await pool.query<{ id: number; len: number; first: string }>('select id, length(body) as len, left(body, 1) as first from probe where id < 1000 order by id');
    expect(rows.map((r) => r.id)).toEqual(committed.sort((x, y) => x - y));
    for (const r of rows) expect(r).toMatchObject({ len: 300_000 + r.id, first: String.fromCharCode(97 + (r.id % 26)) });
    const small = await pool.query<{ n: number }>('select count(*)::int as n from probe where id >= 1000');
    expect(small.rows[0]!.n).toBe(committed.length);
  });

  it('fails a statement that waits too long behind a transaction left open, and then serves it again', async () => {
    const holder = await pool.connect();
    const waiter = await pool.connect();
    try {
      await holder.query('begin');
      await expect(waiter.query('select 1')).rejects.toMatchObject({ code: '55P03' });
      await holder.query('commit');
      const { rows } = await waiter.query<{ ok: number }>('select 1 as ok');
      expect(rows[0]!.ok).toBe(1);
    } finally {
      holder.release();
      waiter.release();
    }
  });

  it('rolls back what a client left open when its connection drops', async () => {
    await pool.query('delete from probe');
    const client = new pg.Client({ connectionString: embedded.url });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('begin');
    await client.query('insert into probe values (7, $1)', ['abandoned']);
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    // Waits for the session, which the dropped client held: it must be handed on (not time out) and rolled back.
    const { rows } = await pool.query('select id from probe');
    expect(rows).toEqual([]);
  });

  it('delivers a NOTIFY to the client that listens on its channel, not to the one that sent it', async () => {
    const listener = await pool.connect();
    const sender = await pool.connect();
    try {
      const heard = new Promise<pg.Notification>((resolve) => listener.once('notification', resolve));
      const echoed: pg.Notification[] = [];
      sender.on('notification', (n) => echoed.push(n));
      await listener.query('-- as BullMQ sends it\nLISTEN bullmq_jobs;');
      await sender.query("select pg_notify('bullmq_jobs', 'capture')");
      expect(await heard).toMatchObject({ channel: 'bullmq_jobs', payload: 'capture' });
      expect(echoed).toEqual([]);
      await listener.query('unlisten *');
    } finally {
      listener.release();
      sender.release();
    }
  });

  it('refuses a client without the password', async () => {
    const url = new URL(embedded.url);
    url.password = 'wrong';
    const client = new pg.Client({ connectionString: url.toString() });
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('publishes its URL for CLI commands in the lock file', async () => {
    const url = await runningEmbeddedUrl(dir.path);
    expect(url).toBe(embedded.url);
    const client = new pg.Client({ connectionString: url! });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>('select count(*)::int as n from schema_migrations');
      expect(rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('refuses a second open of the same folder at once', async () => {
    const second = await openEmbedded(dir.path).catch((err: unknown) => err);
    expect(second).toBeInstanceOf(DataDirLockedError);
    expect(second).toMatchObject({ pid: process.pid });
  });
});

describe('embedded Postgres after its process is killed', () => {
  let owner: ReturnType<typeof spawnOwnerProcess> | undefined;
  // Also when the test times out waiting for the child: never leave it running.
  afterAll(async () => owner && killHard(owner.child));

  it('keeps what was committed, drops the open transaction, and takes over the stale lock', async () => {
    const dir = await tempDataDir();
    try {
      owner = spawnOwnerProcess(dir.path, 'database');
      try {
        await owner.ready;
      } finally {
        await killHard(owner.child);
      }
      const embedded = await openEmbedded(dir.path);
      const pool = createPool(embedded.url, { max: 2 });
      try {
        const { rows } = await pool.query<{ n: number; uncommitted: number }>('select count(*)::int as n, count(*) filter (where id = 1000)::int as uncommitted from crash_probe');
        expect(rows[0]).toEqual({ n: 25, uncommitted: 0 });
      } finally {
        await pool.end();
        await embedded.close();
      }
      // Closed: the folder is free again and nothing listens on the port any more.
      expect(await runningEmbeddedUrl(dir.path)).toBeNull();
      expect(await readDataDirOwner(dir.path)).toBeNull();
      await expect(new pg.Client({ connectionString: embedded.url }).connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await dir.remove();
    }
  }, 3 * INITDB_TIMEOUT_MS);
});
