import { beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { useTestServer } from '../helpers/server.ts';
import { makeTarget, raise } from '../notify/raise.ts';
import { PAGE_BUDGET_BYTES } from '../../src/http/routes/api/schemas.ts';

/** Rows of every list made large in the database, as a page with a 10 MB `<title>` once made its snapshots. (The 4 test tokens are small.) */
const LARGE = 300 * 1024;
const HUGE = 1536 * 1024;
/** Large rows per list (three fit a page's budget, four do not), and one huge row (over the budget on its own). */
const LARGE_ROWS = 7;
/** What a page's JSON holds besides its items' own: the wrapper, `next`, separators. */
const PAGE_OVERHEAD = 1024;

interface Page {
  items: { id: number }[];
  next: number | null;
}

describe('API lists are bounded in bytes as well as rows', () => {
  const rig = useTestServer();
  /** Each list's URL. */
  const lists: Record<string, string> = {};

  beforeAll(async () => {
    const { pool } = rig.server.ctx;
    const inflate = async (table: string, column: string, ids: number[]) => {
      // Identifiers from this file's own constants, never from input: values go as parameters.
      await pool.query(`update ${table} set ${column} = repeat('x', $2) where id = any($1::bigint[])`, [ids.slice(0, -1), LARGE]);
      await pool.query(`update ${table} set ${column} = repeat('y', $2) where id = $1`, [ids.at(-1), HUGE]);
    };
    const n = LARGE_ROWS + 1;
    const targets = await Promise.all(Array.from({ length: n }, () => makeTarget(pool)));
    await inflate('targets', 'name', targets);
    lists.targets = '/api/targets';

    const alerts = [];
    for (let i = 0; i < n; i++) alerts.push((await raise(pool, targets[0]!, 'phrase_removed')).id);
    await inflate('alerts', 'summary', alerts);
    lists.alerts = '/api/alerts';
    // raise() made one snapshot per alert, all of the first target.
    const { rows: snapshots } = await pool.query<{ id: number }>('select id from snapshots where target_id = $1 order by id', [targets[0]]);
    await inflate('snapshots', 'title', snapshots.map((s) => s.id));
    lists.snapshots = `/api/targets/${targets[0]}/snapshots`;

    const { rows: subscriptions } = await pool.query<{ id: number }>(
      `insert into subscriptions (name, channel, secret) select 'feed ' || g, 'feed', md5(g::text || random()::text) from generate_series(1, $1) g returning id`,
      [n],
    );
    await inflate('subscriptions', 'name', subscriptions.map((s) => s.id));
    lists.subscriptions = '/api/subscriptions';

    const { rows: tokens } = await pool.query<{ id: number }>(
      `insert into api_tokens (name, role, token_sha256) select 'old ' || g, 'reviewer', encode(sha256(g::text::bytea || random()::text::bytea), 'hex') from generate_series(1, $1) g returning id`,
      [n],
    );
    await inflate('api_tokens', 'name', tokens.map((t) => t.id));
    lists.tokens = '/api/tokens';
  });

  for (const list of ['targets', 'snapshots', 'alerts', 'subscriptions', 'tokens']) {
    it(`${list}: at most ${PAGE_BUDGET_BYTES / 1024} KiB a page (a single item over it alone), following next gives every item once`, async () => {
      const pages: { ids: number[]; bytes: number }[] = [];
      let cursor: number | null = null;
      do {
        const res: LightMyRequestResponse = await rig.server.app.inject({ method: 'GET', url: `${lists[list]}?limit=200${cursor === null ? '' : `&cursor=${cursor}`}`, headers: rig.server.as('admin') });
        expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
        const page: Page = res.json();
        expect(page.items.length, `page ${pages.length + 1} has at least one item`).toBeGreaterThan(0);
        pages.push({ ids: page.items.map((i) => i.id), bytes: res.rawPayload.length });
        cursor = page.next;
        expect(pages.length, 'pages').toBeLessThan(20);
      } while (cursor !== null);

      for (const page of pages) {
        if (page.ids.length > 1) expect(page.bytes, `a page of ${page.ids.length} items`).toBeLessThanOrEqual(PAGE_BUDGET_BYTES + PAGE_OVERHEAD);
      }
      // The huge row came alone, and every other page was full as far as its budget allowed.
      expect(pages.filter((p) => p.bytes > PAGE_BUDGET_BYTES + PAGE_OVERHEAD).map((p) => p.ids.length)).toEqual([1]);
      // Three large rows a page (a fourth would pass the budget): 3 + 3 + 1, and the huge one.
      expect(pages).toHaveLength(4);
      const ids = pages.flatMap((p) => p.ids);
      expect(new Set(ids).size, 'no item twice').toBe(ids.length);
      expect(ids.length, 'every item').toBe(LARGE_ROWS + 1 + (list === 'tokens' ? 4 : 0));
    });
  }
});
