import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

describe('migrate', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
  });
  afterAll(async () => db.drop());

  it('builds the schema from an empty database and records each file in the ledger', async () => {
    const first = await migrate(db.pool);
    expect(first.applied).toContain('001_init.sql');
    const { rows } = await db.pool.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
    );
    expect(rows.map((r) => r.table_name)).toEqual(['alerts', 'api_tokens', 'blobs', 'capture_exchanges', 'changes', 'check_tallies', 'deliveries', 'delivery_attempts', 'full_snapshots', 'hex_blobs', 'host_probes', 'host_slots', 'host_starts', 'host_waits', 'saved_searches', 'schema_migrations', 'search_latest', 'search_sightings', 'search_texts', 'signing_keys', 'snapshots', 'source_pages', 'sources', 'subscriptions', 'target_states', 'target_tiers', 'targets', 'tweet_embeds']);
    const ledger = await db.pool.query<{ name: string }>('select name from schema_migrations');
    expect(ledger.rows.map((r) => r.name)).toEqual(first.applied);
  });

  it('is idempotent, also when several processes migrate at once', async () => {
    const again = await Promise.all([migrate(db.pool), migrate(db.pool), migrate(db.pool)]);
    for (const result of again) {
      expect(result.applied).toEqual([]);
      expect(result.alreadyApplied).toContain('001_init.sql');
    }
  });
});
