import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testEnv } from '../helpers/context.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';
import { runCli } from '../helpers/cli.ts';
import { insertSubscription } from '../../src/db/subscriptions.ts';

const VICTIM = 'the victim: a file the attacker wants overwritten with secrets\n';

/** A file someone else may read, and what it held, to check that nothing wrote through a link to it. */
function plantVictim(dir: string): { path: string; unchanged(): void } {
  const path = join(dir, 'victim');
  writeFileSync(path, VICTIM, { mode: 0o644 });
  return {
    path,
    unchanged() {
      expect(readFileSync(path, 'utf8')).toBe(VICTIM);
      expect(statSync(path).mode & 0o777).toBe(0o644);
    },
  };
}

describe('files the CLI writes where the user says: a link planted beside or at the name is never followed', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let prefix: string;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = uniquePrefix();
    env = testEnv(db.url, prefix);
    dir = mkdtempSync(join(tmpdir(), 'scrubwatch-files-'));
    // Something secret to export: a subscription's secret (here a feed's token) is carried in the export.
    await insertSubscription(db.pool, {
      name: 'desk', channel: 'feed', webhookUrl: null, webhookFormat: 'json', email: null, secret: 'f'.repeat(64),
      targetIds: [], tags: [], kinds: [], minSeverity: 'low', digestEvery: null, ownerTokenId: null,
    });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await deletePrefixKeys(prefix);
    await db?.drop();
  });

  it('export: a link planted at <file>.partial stays untouched, and the export lands as a new owner-only file', { timeout: 120_000 }, async () => {
    const victim = plantVictim(dir);
    const file = join(dir, 'out.jsonl');
    symlinkSync(victim.path, `${file}.partial`);

    const run = await runCli(['export', file, '--json'], env);
    expect(run.code, run.stderr).toBe(0);

    victim.unchanged();
    expect(readlinkSync(`${file}.partial`)).toBe(victim.path);
    expect(lstatSync(file).isFile()).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('f'.repeat(64));
    // Nothing left beside it: the temporary name was renamed into place.
    expect(readdirSync(dir).sort()).toEqual(['out.jsonl', 'out.jsonl.partial', 'victim']);
    rmSync(`${file}.partial`);
  });

  it('subscriptions feed --out: a link at the named path is replaced by the feed, not written through', { timeout: 120_000 }, async () => {
    const victim = plantVictim(dir);
    const out = join(dir, 'feed.atom');
    symlinkSync(victim.path, out);

    const run = await runCli(['subscriptions', 'feed', '1', '--out', out], env);
    expect(run.code, run.stderr).toBe(0);

    victim.unchanged();
    expect(lstatSync(out).isFile()).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toMatch(/^<\?xml[^]*<feed/);
  });
});
