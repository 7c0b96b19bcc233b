import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCliRig } from '../helpers/cli.ts';
import { runCli } from '../helpers/cli.ts';
import { createPool, type Pool } from '../../src/db/pool.ts';
import { putTierState } from '../../src/db/target-tiers.ts';
import { flintlockArticle, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';

interface ShownTarget {
  id: number;
  options: { fullEvery: string; confirm: number; phrases: string[] };
  tier: Record<string, unknown>;
}

function json<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

describe('--full-every and what `targets show` says the checking tiers learned', () => {
  const rig = useCliRig();
  let site: FixtureSite;
  let pool: Pool;

  beforeAll(async () => {
    site = await startFixtureSite();
    site.article('/news/tiers', flintlockArticle);
    pool = createPool(rig.db.url);
  });
  afterAll(async () => {
    await pool?.end();
    await site?.close();
  });

  it('targets add takes --full-every, defaults it to 7d, and refuses a bad one with exit 2 naming the flag', async () => {
    const added = await runCli(['targets', 'add', site.url('/news/tiers'), '--full-every', '12h', '--json'], rig.env);
    expect(added.code, added.stderr).toBe(0);
    expect(json<ShownTarget>(added.stdout).options.fullEvery).toBe('12h');
    const plain = await runCli(['targets', 'add', site.url('/news/tiers?plain'), '--json'], rig.env);
    expect(plain.code, plain.stderr).toBe(0);
    expect(json<ShownTarget>(plain.stdout).options.fullEvery).toBe('7d');

    const bad = await runCli(['targets', 'add', site.url('/news/tiers?bad'), '--full-every', 'weekly'], rig.env);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^scrubwatch: --full-every "weekly" is not a duration; write it like 7d/);
    const short = await runCli(['targets', 'add', site.url('/news/tiers?short'), '--full-every', '5s'], rig.env);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/--full-every "5s" is out of range; use between 1m and 366d/);
  }, 120_000);

  it('targets update changes --full-every and leaves the other options as they were', async () => {
    const added = json<ShownTarget>((await runCli(['targets', 'add', site.url('/news/tiers?update'), '--confirm', '3', '--phrase', 'Assimi Goita', '--json'], rig.env)).stdout);
    const updated = await runCli(['targets', 'update', String(added.id), '--full-every', '1d', '--json'], rig.env);
    expect(updated.code, updated.stderr).toBe(0);
    expect(json<ShownTarget>(updated.stdout).options).toMatchObject({ fullEvery: '1d', confirm: 3, phrases: ['Assimi Goita'] });

    const bad = await runCli(['targets', 'update', String(added.id), '--full-every', '1w'], rig.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--full-every "1w" is not a duration; write it like 7d/);
    const nothing = await runCli(['targets', 'update', String(added.id)], rig.env);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/nothing to change.*--full-every 7d/);
  }, 120_000);

  it('targets show gives nulls before the first full capture, then what it taught and when the next is due', async () => {
    const added = json<ShownTarget>((await runCli(['targets', 'add', site.url('/news/tiers?show'), '--full-every', '2d', '--json'], rig.env)).stdout);
    const before = await runCli(['targets', 'show', String(added.id), '--json'], rig.env);
    expect(before.code, before.stderr).toBe(0);
    expect(json<ShownTarget>(before.stdout).tier).toEqual({
      scriptDependent: null, trustsValidators: null, fullEvery: '2d', lastFullCaptureAt: null, lastFullSnapshotId: null, nextFullCaptureDue: null,
    });
    expect((await runCli(['targets', 'show', String(added.id)], rig.env)).stdout).toContain('Checked cheaply between full captures every 2 days; no full capture yet');

    const { rows } = await pool.query<{ id: number }>(
      `insert into snapshots (target_id, job_id, fetcher, requested_url, final_url, status, started_at, duration_ms, fingerprint)
       select id, 'tiers-full', 'browser', url, url, 200, now(), 10, sha256('f') from targets where id = $1 returning id`,
      [added.id],
    );
    const fullAt = new Date('2026-03-01T12:00:00.000Z');
    await putTierState(pool, {
      targetId: added.id, scriptDependent: true, plainPrint: null, etag: '"v1"', lastModified: null, trustsValidators: false, fullSnapshotId: rows[0]!.id, fullAt,
    });
    const after = json<ShownTarget & Record<string, unknown>>((await runCli(['targets', 'show', String(added.id), '--json'], rig.env)).stdout);
    expect(after.tier).toEqual({
      scriptDependent: true, trustsValidators: false, fullEvery: '2d', lastFullCaptureAt: fullAt.toISOString(), lastFullSnapshotId: rows[0]!.id,
      nextFullCaptureDue: '2026-03-03T12:00:00.000Z',
    });
    // The fields `targets show --json` had before keep their names.
    for (const field of ['id', 'url', 'kind', 'schedule', 'options', 'state', 'lifecycle', 'seen', 'lastFailure', 'sources']) expect(after).toHaveProperty(field);
    const text = (await runCli(['targets', 'show', String(added.id)], rig.env)).stdout;
    expect(text).toContain(`Script-dependent: always captured in the browser; last full capture ${fullAt.toISOString()} (snapshot #${rows[0]!.id}), next due 2026-03-03T12:00:00.000Z`);
    expect(text).toContain("ETag / Last-Modified answers are not trusted");
  }, 120_000);

  it('a target stored before --full-every existed reads as 7d', async () => {
    const added = json<ShownTarget>((await runCli(['targets', 'add', site.url('/news/tiers?old'), '--json'], rig.env)).stdout);
    await pool.query(`update targets set options = options - 'fullEvery' where id = $1`, [added.id]);
    const shown = await runCli(['targets', 'show', String(added.id), '--json'], rig.env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(json<ShownTarget>(shown.stdout)).toMatchObject({ options: { fullEvery: '7d' }, tier: { fullEvery: '7d' } });
  }, 120_000);
});
