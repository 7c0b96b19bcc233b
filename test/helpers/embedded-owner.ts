/**
 * Run as its own process by test/helpers/embedded.ts: takes a data folder (its lock only, or the embedded
 * database with a few committed rows), prints `READY {json}` and stays until it is killed.
 */
import pg from 'pg';
import { pino } from 'pino';
import { acquireDataDirLock } from '../../src/embedded/data-dir-lock.ts';
import { startEmbeddedPostgres } from '../../src/embedded/embedded-postgres.ts';

const [dataDir, mode] = process.argv.slice(2);
if (!dataDir || (mode !== 'lock' && mode !== 'database')) throw new Error('usage: embedded-owner.ts <dataDir> lock|database');

if (mode === 'lock') {
  const lock = await acquireDataDirLock(dataDir);
  process.stdout.write(`READY ${JSON.stringify({ pid: process.pid, path: lock.path })}\n`);
} else {
  const db = await startEmbeddedPostgres({ dataDir, queueSchema: 'scrubwatch_queue', logger: pino({ level: 'silent' }) });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('create table crash_probe (id int primary key, note text not null)');
  await client.query("insert into crash_probe select g, 'committed before the crash' from generate_series(1, 25) g");
  // Left open on purpose: the crash must not keep half a transaction.
  await client.query('begin');
  await client.query("insert into crash_probe values (1000, 'never committed')");
  process.stdout.write(`READY ${JSON.stringify({ pid: process.pid, port: db.port })}\n`);
}
setInterval(() => undefined, 60_000);
