import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { sameSceneVariants, scenePhotoJpeg } from '../helpers/photos.ts';
import { getBlob } from '../../src/db/blobs.ts';
import { getSnapshot } from '../../src/db/snapshots.ts';
import { listAlerts } from '../../src/db/alerts.ts';
import type { PageFacts } from '../../src/page-data/page-facts.ts';
import { buildServer } from '../../src/http/server.ts';
import { createApiToken } from '../../src/db/api-tokens.ts';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const typeOf = (data: Buffer) => (data[0] === 0xff ? 'image/jpeg' : 'image/png');

describe('a photo replaced under the same URL, through real captures of the fixture site', () => {
  const rig = useFixtureRig();
  beforeAll(() => rig.site.home());

  /** Watches an article whose first photo is `file` served as `before`; the second stays a generated PNG. */
  async function watchPhoto(slug: string, file: string, before: Buffer) {
    const spec = articleFor(`/photos/${slug}`);
    const photos = [{ ...spec.photos[0]!, file }, ...spec.photos.slice(1)];
    const page = await watchPage(rig.ctx, rig.site, `/photos/${slug}`, { ...spec, photos });
    const serve = (data: Buffer) => rig.site.html(`/images/${file}`, data, 200, { 'content-type': typeOf(data), 'cache-control': 'no-cache' });
    serve(before);
    return { page, serve, url: rig.site.url(`/images/${file}`) };
  }

  async function mediaOf(snapshotId: number) {
    const snapshot = await getSnapshot(rig.ctx.pool, snapshotId);
    const blob = snapshot?.parts.facts ? await getBlob(rig.ctx.pool, snapshot.parts.facts) : null;
    return blob ? (JSON.parse(blob.data.toString('utf8')) as PageFacts).media : [];
  }

  it('raises media_removed with replaced: true once confirmed, with both files kept and named', async () => {
    const before = await scenePhotoJpeg(11);
    const after = await scenePhotoJpeg(12);
    const { page, serve, url } = await watchPhoto('swapped', 'swapped-lead.jpg', before);
    const baseline = await page.capture();
    expect(baseline.alerts).toEqual([]);
    serve(after);
    const first = await page.capture();
    expect(first.alerts).toEqual([]);
    expect(first.lifecycle).toBe('suspect');
    const second = await page.capture();
    expect(second.alerts.map((a) => a.kind)).toEqual(['media_removed']);
    const alert = second.alerts[0]!;
    expect(alert.severity).toBe('medium');
    expect(alert.evidence).toMatchObject({ lastWithSnapshotId: baseline.snapshot.id, firstWithoutSnapshotId: first.snapshot.id });
    const item = (alert.evidence.items as Array<Record<string, unknown>>)[0]!;
    expect(item).toMatchObject({ reason: 'replaced_under_same_url', replaced: true, url, blobSha256: sha(before), sha256Before: sha(before), sha256After: sha(after) });
    expect(item.pictureDistance).toBeGreaterThan(10);

    // Both stored copies are the very files served, and each link names a snapshot whose media list holds it.
    const [, beforeId, beforeSha] = /^\/api\/snapshots\/(\d+)\/media\/([0-9a-f]{64})$/.exec(String(item.storedBefore)) ?? [];
    const [, afterId, afterSha] = /^\/api\/snapshots\/(\d+)\/media\/([0-9a-f]{64})$/.exec(String(item.storedAfter)) ?? [];
    expect(Number(beforeId)).toBe(baseline.snapshot.id);
    expect((await getBlob(rig.ctx.pool, beforeSha!))?.data.equals(before)).toBe(true);
    expect((await getBlob(rig.ctx.pool, afterSha!))?.data.equals(after)).toBe(true);
    expect((await mediaOf(Number(beforeId))).map((m) => m.sha256)).toContain(beforeSha);
    expect((await mediaOf(Number(afterId))).map((m) => m.sha256)).toContain(afterSha);
    expect(await listAlerts(rig.ctx.pool, { targetId: page.targetId })).toHaveLength(1);

    // The links are the API's: each serves its file to a reviewer.
    const app = await buildServer(rig.ctx);
    try {
      const { secret } = await createApiToken(rig.ctx.pool, 'reviewer', 'reviewer (photo test)');
      for (const [link, file] of [[item.storedBefore, before], [item.storedAfter, after]] as const) {
        const res = await app.inject({ method: 'GET', url: String(link), headers: { authorization: `Bearer ${secret}` } });
        expect(res.statusCode).toBe(200);
        expect(res.rawPayload.equals(file)).toBe(true);
      }
    } finally {
      await app.close();
    }
  });

  it('raises nothing when the new file is swapped back before the confirming capture', async () => {
    const before = await scenePhotoJpeg(13);
    const { page, serve } = await watchPhoto('flicker', 'flicker-lead.jpg', before);
    await page.capture();
    serve(await scenePhotoJpeg(14));
    expect((await page.capture()).lifecycle).toBe('suspect');
    serve(before);
    expect(await page.captureTimes(2)).toEqual([]);
  });

  it.each(['PNG recompressed', 'JPEG re-saved at quality 60', 'resized by 10 %', 'EXIF stripped'])('raises nothing for the same picture %s, though its new bytes are seen and kept', async (name) => {
    const pair = (await sameSceneVariants(21))[name]!;
    const slug = `same-${sha(Buffer.from(name)).slice(0, 8)}`;
    const { page, serve, url } = await watchPhoto(slug, `${slug}.${pair.before[0] === 0xff ? 'jpg' : 'png'}`, pair.before);
    const baseline = await page.capture();
    serve(pair.after);
    const later = [await page.capture(), await page.capture()];
    expect(later.flatMap((s) => s.alerts)).toEqual([]);
    expect(later.map((s) => s.lifecycle)).toEqual(['live', 'live']);
    const shaOf = async (id: number) => (await mediaOf(id)).find((m) => m.url === url)?.sha256;
    expect(await shaOf(baseline.snapshot.id)).toBe(sha(pair.before));
    expect(await shaOf(later[0]!.snapshot.id)).toBe(sha(pair.after));
  });
});
