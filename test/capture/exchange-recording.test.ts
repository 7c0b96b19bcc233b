import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCapture } from '../../src/watch/capture-target.ts';
import { loadFacts } from '../../src/watch/save-capture.ts';
import { captureTarget } from '../../src/capture/capture.ts';
import { captureRequestFor } from '../../src/capture/capture-request.ts';
import { getBlob } from '../../src/db/blobs.ts';
import { recordingForSnapshot, type StoredRecording } from '../../src/db/capture-exchanges.ts';
import { migrationFiles } from '../../src/db/migrate.ts';
import { exportDatabase } from '../../src/transfer/export-database.ts';
import { importDatabase } from '../../src/transfer/import-database.ts';
import { solidPng } from '../../src/demo/png.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import type { Queryable } from '../../src/db/pool.ts';
import type { RecordedExchange } from '../../src/page-data/exchange.ts';
import { articleFor } from '../helpers/watch.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { useFixtureRig } from '../helpers/fixture-rig.ts';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const count = async (db: Queryable, table: string): Promise<number> =>
  (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;
const header = (pairs: Array<[string, string]>, name: string) => pairs.find(([n]) => n.toLowerCase() === name)?.[1];

async function bodyText(db: Queryable, exchange: RecordedExchange | undefined): Promise<string> {
  expect(exchange?.body).not.toBeNull();
  return (await getBlob(db, exchange!.body!.sha256))!.data.toString('utf8');
}

describe('the HTTP exchanges a capture received, recorded and stored', () => {
  const rig = useFixtureRig();
  const spec = articleFor('/news/recorded-2019');
  let recorded: StoredRecording;
  let firstSnapshotId: number;

  it('records a browser capture through runCapture: the redirect hop, the document with its paragraph, the photo with its bytes', async () => {
    rig.site.article('/news/recorded-2019', spec);
    rig.site.redirect('/news/article/4411', '/news/recorded-2019', 301);
    const target = await addTarget(rig.ctx, { url: rig.site.url('/news/article/4411'), every: '6h' });
    const saved = await runCapture(rig.ctx, target.id, 'record-1');
    expect(saved.snapshot.error).toBeNull();
    firstSnapshotId = saved.snapshot.id;
    recorded = (await recordingForSnapshot(rig.db.pool, saved.snapshot.id))!;
    expect(recorded.recordedBySnapshotId).toBe(saved.snapshot.id);
    expect(recorded.provenance.browserVersion).toMatch(/^Chromium\/\d+\.\d+/);
    expect(recorded.provenance.userAgent).toMatch(/Chrome\/\d+/);
    expect(recorded.provenance.userAgent).not.toContain('Headless');
    expect(recorded.provenance.captureHost).toBe(hostname());

    const [hop, document] = recorded.exchanges;
    expect(hop).toMatchObject({ url: rig.site.url('/news/article/4411'), method: 'GET', status: 301, body: null, bodyOmitted: 'no_body', resourceType: 'document', httpVersion: 'HTTP/1.1' });
    expect(header(hop!.responseHeaders, 'location')).toBe('/news/recorded-2019');
    expect(header(hop!.requestHeaders, 'user-agent')).toBe(recorded.provenance.userAgent);
    expect(document).toMatchObject({ url: rig.site.url('/news/recorded-2019'), status: 200, statusText: 'OK', resourceType: 'document' });
    expect(document!.body!.mediaType).toMatch(/^text\/html/);
    expect(await bodyText(rig.db.pool, document)).toContain(spec.paragraphs.find((p) => p.includes('Goita'))!);
    expect(Date.parse(document!.startedAt)).toBeGreaterThanOrEqual(Date.parse(hop!.startedAt));

    const facts = await loadFacts(rig.db.pool, saved.snapshot.parts.facts);
    for (const photo of spec.photos) {
      const url = rig.site.url(`/images/${photo.file}`);
      const exchange = recorded.exchanges.find((e) => e.url === url);
      expect(exchange, photo.file).toMatchObject({ status: 200, resourceType: 'image', body: { sha256: sha(solidPng(photo.file)), bytes: solidPng(photo.file).length, mediaType: 'image/png' } });
      // The snapshot's photo file is the same read of the body.
      expect(facts?.media.find((m) => m.url === url)?.sha256).toBe(exchange!.body!.sha256);
    }
  });

  it('writes no exchange row and no blob for an unchanged re-check, and answers it with the first recording', async () => {
    const [rows, blobs] = [await count(rig.db.pool, 'capture_exchanges'), await count(rig.db.pool, 'blobs')];
    const target = (await rig.db.pool.query<{ id: number }>('select target_id as id from snapshots where id = $1', [firstSnapshotId])).rows[0]!.id;
    const again = await runCapture(rig.ctx, target, 'record-2');
    expect(again.change?.unchanged).toBe(true);
    expect(await count(rig.db.pool, 'capture_exchanges')).toBe(rows);
    expect(await count(rig.db.pool, 'blobs')).toBe(blobs);
    expect(await recordingForSnapshot(rig.db.pool, again.snapshot.id)).toEqual(recorded);
  });

  it('records a body over the per-file cap with body null and bodyOmitted too_large, the smaller ones whole', async () => {
    const target = { url: rig.site.url('/news/recorded-2019'), fetcher: 'browser' as const, options: { ignore: [] } };
    const { request, limits } = captureRequestFor(target, rig.ctx.config);
    const photoBytes = solidPng(spec.photos[0]!.file).length;
    const result = await captureTarget(rig.ctx.browser, request, { ...limits, maxMediaBytes: photoBytes + 1 }, rig.ctx.logger);
    const document = result.recording!.exchanges.find((e) => e.resourceType === 'document')!;
    expect(document.body).toBeNull();
    expect(document.bodyOmitted).toBe('too_large');
    const photo = result.recording!.exchanges.find((e) => e.url.endsWith(`/images/${spec.photos[0]!.file}`))!;
    expect(photo.body).toEqual(solidPng(spec.photos[0]!.file));
    expect(photo.bodyOmitted).toBeUndefined();
  });

  it('records the plain-HTTP fetcher: each redirect hop and the final response, provenance scrubwatch-http; unchanged adds no row', async () => {
    rig.site.redirect('/news/article/4412', '/news/recorded-2019', 302);
    const target = await addTarget(rig.ctx, { url: rig.site.url('/news/article/4412'), every: '6h', fetcher: 'http' });
    const saved = await runCapture(rig.ctx, target.id, 'record-http-1');
    const recording = (await recordingForSnapshot(rig.db.pool, saved.snapshot.id))!;
    expect(recording.provenance).toEqual({ browserVersion: 'scrubwatch-http', userAgent: expect.stringContaining('scrubwatch/'), captureHost: hostname() });
    expect(recording.exchanges.map((e) => [e.url, e.status, e.bodyOmitted])).toEqual([
      [rig.site.url('/news/article/4412'), 302, 'no_body'],
      [rig.site.url('/news/recorded-2019'), 200, undefined],
    ]);
    const [hop, page] = recording.exchanges;
    expect(header(hop!.responseHeaders, 'location')).toBe('/news/recorded-2019');
    expect(header(page!.requestHeaders, 'user-agent')).toBe(recording.provenance.userAgent);
    expect(await bodyText(rig.db.pool, page)).toContain(spec.paragraphs.find((p) => p.includes('Goita'))!);

    const rows = await count(rig.db.pool, 'capture_exchanges');
    const again = await runCapture(rig.ctx, target.id, 'record-http-2');
    expect(again.change?.unchanged).toBe(true);
    expect(await count(rig.db.pool, 'capture_exchanges')).toBe(rows);
    expect((await recordingForSnapshot(rig.db.pool, again.snapshot.id))?.recordedBySnapshotId).toBe(saved.snapshot.id);
  });

  it('keeps recordings and their bodies through export and import', async () => {
    const lines: string[] = [];
    await exportDatabase(rig.db.pool, async (line) => {
      lines.push(line);
    });
    const destination = await createTestDatabase();
    try {
      const source = (async function* () {
        yield* lines;
      })();
      await importDatabase(destination.pool, source, await migrationFiles());
      const moved = await recordingForSnapshot(destination.pool, firstSnapshotId);
      expect(moved).toEqual(recorded);
      for (const exchange of moved!.exchanges.filter((e) => e.body)) {
        expect(sha((await getBlob(destination.pool, exchange.body!.sha256))!.data)).toBe(exchange.body!.sha256);
      }
      expect(await count(destination.pool, 'capture_exchanges')).toBe(await count(rig.db.pool, 'capture_exchanges'));
    } finally {
      await destination.drop();
    }
  });
});
