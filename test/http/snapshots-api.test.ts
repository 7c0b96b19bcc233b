import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createTestServer, type TestServer } from '../helpers/server.ts';
import { articleFor, watchPage, type WatchedPage } from '../helpers/watch.ts';
import { flintlockArticle, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { getBlob, putBlob } from '../../src/db/blobs.ts';
import { insertSnapshot, type Snapshot } from '../../src/db/snapshots.ts';
import { insertAlert } from '../../src/db/alerts.ts';
import type { SnapshotDiff } from '../../src/review/snapshot-diff.ts';

const GOITA = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;
const EDITED = GOITA.replace(/\.$/, ', according to the exercise’s organisers.');
const CUT = flintlockArticle.paragraphs.find((p) => p !== GOITA && p.length > 80)!;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('snapshots API, over real captures of the fixture site', () => {
  let db: TestDatabase;
  let server: TestServer;
  let site: FixtureSite;
  let page: WatchedPage;
  let first: Snapshot;
  let second: Snapshot;
  let other: Snapshot;

  const get = (url: string, role: 'admin' | 'operator' | 'reviewer' | 'researcher' = 'reviewer') => server.app.inject({ method: 'GET', url, headers: server.as(role) });

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await createTestServer(db.url);
    site = await startFixtureSite();
    site.home();
    const spec = articleFor('/news/api-snapshots');
    page = await watchPage(server.ctx, site, '/news/api-snapshots', spec);
    first = (await page.capture()).snapshot;
    // The paragraph naming Col. Goita edited, another one cut, a photo pulled.
    site.article(page.path, {
      ...spec,
      paragraphs: spec.paragraphs.filter((p) => p !== CUT).map((p) => (p === GOITA ? EDITED : p)),
      photos: spec.photos.slice(1),
    });
    second = (await page.capture()).snapshot;
    const otherPage = await watchPage(server.ctx, site, '/news/api-other', articleFor('/news/api-other'));
    other = (await otherPage.capture()).snapshot;
  });
  afterAll(async () => {
    await server?.dispose();
    await site?.close();
    await db?.drop();
  });

  it("lists a target's snapshots newest first, paged by cursor", async () => {
    const p1 = (await get(`/api/targets/${page.targetId}/snapshots?limit=1`)).json() as { items: Snapshot[]; next: number | null };
    expect(p1.items.map((s) => s.id)).toEqual([second.id]);
    expect(p1.next).toBe(second.id);
    const p2 = (await get(`/api/targets/${page.targetId}/snapshots?limit=1&cursor=${p1.next}`)).json() as { items: Snapshot[]; next: number | null };
    expect(p2).toEqual({ items: [expect.objectContaining({ id: first.id, targetId: page.targetId })], next: null });
    expect((await get('/api/targets/999999/snapshots')).statusCode).toBe(404);
  });

  it('shows metadata with the media the capture found', async () => {
    const res = await get(`/api/snapshots/${first.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as Snapshot & { media: { url: string; sha256: string | null }[] };
    expect(body).toMatchObject({ id: first.id, targetId: page.targetId, status: 200, outcome: { kind: 'ok' }, parts: first.parts, counts: first.counts });
    expect(body.media.length).toBeGreaterThan(0);
    expect(body.media[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves the screenshot as PNG bytes and the text as UTF-8 plain text', async () => {
    const png = await get(`/api/snapshots/${first.id}/screenshot.png`);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.rawPayload.equals((await getBlob(server.ctx.pool, first.parts.screenshot!))!.data)).toBe(true);

    const text = await get(`/api/snapshots/${first.id}/text`);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body).toContain(GOITA);
  });

  it('serves the stored HTML sandboxed: CSP sandbox, nosniff, inline, same-origin, no cookie', async () => {
    const res = await get(`/api/snapshots/${first.id}/html`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toBe('inline');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toContain('Flintlock');
  });

  it('serves a stored media file the snapshot names, with its content type; 404 for a file it does not name', async () => {
    const meta = (await get(`/api/snapshots/${first.id}`)).json() as { media: { sha256: string | null }[] };
    const sha = meta.media.find((m) => m.sha256)!.sha256!;
    const res = await get(`/api/snapshots/${first.id}/media/${sha}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-disposition']).toBe('inline');
    expect(res.headers['content-security-policy']).toBe("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.rawPayload.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // The screenshot is a stored blob too, but not one of this snapshot's media files.
    expect((await get(`/api/snapshots/${first.id}/media/${first.parts.screenshot}`)).statusCode).toBe(404);
    const bad = await get(`/api/snapshots/${first.id}/media/not-a-hash`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'sha256' });
  });

  it('diffs two snapshots: the edited paragraph is changed, the cut one removed, the pulled photo removed', async () => {
    const res = await get(`/api/snapshots/${second.id}/diff?against=${first.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const diff = res.json() as SnapshotDiff;
    expect(diff.from).toMatchObject({ id: first.id, targetId: page.targetId, status: 200 });
    expect(diff.to).toMatchObject({ id: second.id });
    expect(diff.record.blocks.changed).toEqual([{ from: expect.objectContaining({ text: GOITA }), to: expect.objectContaining({ text: EDITED }), similarity: expect.any(Number) }]);
    expect(diff.record.blocks.changed[0]!.similarity).toBeGreaterThanOrEqual(0.5);
    // The pulled photo's caption goes with it.
    expect(diff.record.blocks.removed.map((b) => b.text)).toEqual([CUT, flintlockArticle.photos[0]!.caption]);
    expect(diff.record.blocks.added).toEqual([]);
    expect(diff.record.media.removed).toHaveLength(1);
    expect(diff.record.status).toBeNull();
    expect(diff.record.unchanged).toBe(false);

    const reverse = (await get(`/api/snapshots/${first.id}/diff?against=${second.id}`)).json() as SnapshotDiff;
    expect(reverse.record.blocks.added.map((b) => b.text)).toEqual([CUT, flintlockArticle.photos[0]!.caption]);
    expect(reverse.record.blocks.changed[0]).toMatchObject({ from: { text: EDITED }, to: { text: GOITA } });
  });

  it('diff: 400 naming `against` when missing or of another target; 404 for an unknown snapshot', async () => {
    const missing = await get(`/api/snapshots/${second.id}/diff`);
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ field: 'against' });
    const cross = await get(`/api/snapshots/${second.id}/diff?against=${other.id}`);
    expect(cross.statusCode).toBe(400);
    expect(cross.json()).toMatchObject({ error: 'invalid_input', field: 'against' });
    expect((await get(`/api/snapshots/${second.id}/diff?against=999999`)).statusCode).toBe(404);
    expect((await get(`/api/snapshots/999999/diff?against=${first.id}`)).statusCode).toBe(404);
  });

  it('404 for unknown snapshots and parts; 400 naming id; researchers may not read snapshots', async () => {
    for (const part of ['', '/screenshot.png', '/text', '/html']) {
      expect((await get(`/api/snapshots/999999${part}`)).statusCode).toBe(404);
      expect((await get(`/api/snapshots/x${part}`)).json()).toMatchObject({ error: 'invalid_input', field: 'id' });
      expect((await get(`/api/snapshots/${first.id}${part}`, 'researcher')).statusCode).toBe(403);
      expect((await server.app.inject({ method: 'GET', url: `/api/snapshots/${first.id}${part}` })).statusCode).toBe(401);
    }
    expect((await get(`/api/targets/${page.targetId}/snapshots`, 'researcher')).statusCode).toBe(403);
    expect((await get(`/api/snapshots/${first.id}`, 'operator')).statusCode).toBe(200);
  });

  it('a snapshot without a screenshot answers 404 for it', async () => {
    const { rows } = await server.ctx.pool.query<{ id: number }>(
      `insert into snapshots (target_id, job_id, fetcher, requested_url, final_url, started_at, duration_ms, fingerprint, error_code, error_message)
       values ($1, 'no-screenshot', 'http', 'http://x', 'http://x', now(), 5, sha256('f'), 'dns', 'no such host') returning id`,
      [page.targetId],
    );
    const res = await get(`/api/snapshots/${rows[0]!.id}/screenshot.png`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found', message: expect.stringContaining('no stored screenshot') });
  });

  it('an internal failure is a 500 that leaks no stack trace and no internals', async () => {
    // A facts blob that is not JSON: reading it throws a SyntaxError deep inside the diff.
    const sha = await putBlob(server.ctx.pool, { data: Buffer.from('{ not json'), mediaType: 'application/json' });
    const { rows } = await server.ctx.pool.query<{ id: number }>(
      `insert into snapshots (target_id, job_id, fetcher, requested_url, final_url, status, started_at, duration_ms, fingerprint, facts_sha256)
       values ($1, 'corrupt', 'browser', 'http://x', 'http://x', 200, now(), 5, sha256('f'), decode($2, 'hex')) returning id`,
      [page.targetId, sha],
    );
    const res = await get(`/api/snapshots/${rows[0]!.id}/diff?against=${first.id}`);
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal_error', message: 'internal error; the server log has the details' });
    expect(res.body).not.toMatch(/SyntaxError|JSON|\.ts|at /);
  });

  it("shows an archived copy as the Internet Archive's, in the API, the UI and the evidence of its alerts", async () => {
    const archiveUrl = `https://web.archive.org/web/20190218120000/${other.finalUrl}`;
    const archived = await insertSnapshot(server.ctx.pool, {
      ...other,
      jobId: 'test-archived-copy',
      startedAt: new Date(Date.parse(other.startedAt) - 60_000),
      archive: { archivedAt: new Date('2019-02-18T12:00:00Z'), archiveUrl },
    });
    const shown = { origin: 'archive', archivedAt: '2019-02-18T12:00:00.000Z', archiveUrl };
    expect((await get(`/api/snapshots/${archived.id}`)).json()).toMatchObject(shown);
    const listed = (await get(`/api/targets/${other.targetId}/snapshots`)).json() as { items: Snapshot[] };
    expect(listed.items.map((s) => [s.id, s.origin])).toEqual([[archived.id, 'archive'], [other.id, 'capture']]);
    expect(listed.items[1]).toMatchObject({ archivedAt: null, archiveUrl: null });

    const ui = (url: string) => server.app.inject({ method: 'GET', url, headers: server.as('reviewer') });
    const snapshotPage = await ui(`/snapshots/${archived.id}`);
    expect(snapshotPage.statusCode).toBe(200);
    expect(snapshotPage.body).toContain('archived copy from');
    expect(snapshotPage.body).toContain('Internet Archive');
    expect(snapshotPage.body).toContain(`href="${archiveUrl}"`);
    expect(snapshotPage.body).not.toMatch(/<dt>Captured<\/dt>/);
    expect((await ui(`/snapshots/${other.id}`)).body).not.toContain('archived copy from');
    const timeline = (await ui(`/targets/${other.targetId}`)).body;
    expect(timeline.match(/class="archived-copy"/g)).toHaveLength(1);

    const alert = await insertAlert(server.ctx.pool, {
      kind: 'page_removed',
      severity: 'high',
      summary: 'page removed (status_404)',
      evidence: { lastWithSnapshotId: archived.id, firstWithoutSnapshotId: other.id, items: [], archivedAt: shown.archivedAt, archiveUrl, delistedAt: '2026-01-02T00:00:00.000Z', delistedBySourceId: 7 },
      targetId: other.targetId,
      snapshotId: other.id,
      changeId: null,
    });
    const alertPage = (await ui(`/alerts/${alert.id}`)).body;
    expect(alertPage).toContain('Judged against the');
    expect(alertPage).toContain(`href="${archiveUrl}"`);
    expect(alertPage).toContain('Delisted by <a href="/sources/7">source 7</a>');

    // A delisting names the source that stopped listing the page, linked, and since when.
    const delisted = await insertAlert(server.ctx.pool, {
      kind: 'page_delisted',
      severity: 'medium',
      summary: 'The page still answers, but sitemap source 7 has not listed it in 2 complete reads in a row',
      evidence: { sourceId: 7, sourceKind: 'sitemap', sourceUrl: 'https://www.africom.mil/sitemap.xml', lastListedAt: '2026-01-01T06:00:00.000Z', missedRuns: 2 },
      targetId: other.targetId,
      snapshotId: other.id,
      changeId: null,
    });
    const delistedPage = (await ui(`/alerts/${delisted.id}`)).body;
    expect(delistedPage).toContain('No longer listed by <a href="/sources/7">sitemap source 7</a> (https://www.africom.mil/sitemap.xml): last listed <time datetime="2026-01-01T06:00:00.000Z">2026-01-01 06:00 UTC</time>, absent from 2 complete reads since');
  });
});
