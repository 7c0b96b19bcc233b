import { beforeAll, describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { getBlob } from '../../src/db/blobs.ts';
import { listAlerts } from '../../src/db/alerts.ts';
import type { DocumentSpec } from '../../src/demo/fixture-site.ts';

const factSheet = (slug: string): DocumentSpec => ({ file: `${slug}-fact-sheet.pdf`, text: 'Flintlock 2019 fact sheet' });

describe('document_removed, raised through real captures of the fixture site', () => {
  const rig = useFixtureRig();
  beforeAll(() => rig.site.home());

  it('raises document_removed, once confirmed, when the article stops linking its fact sheet, with the stored file', async () => {
    const doc = factSheet('unlinked');
    const spec = articleFor('/news/doc-unlinked', { documents: [doc] });
    const page = await watchPage(rig.ctx, rig.site, '/news/doc-unlinked', spec);
    expect(await page.captureTimes(1)).toEqual([]);
    rig.site.article(page.path, { ...spec, documents: [] });
    const first = await page.capture();
    expect(first.alerts).toEqual([]);
    const second = await page.capture();
    expect(second.alerts.map((a) => a.kind)).toEqual(['document_removed']);
    expect(second.alerts[0]!.severity).toBe('medium');
    const [item] = second.alerts[0]!.evidence.items as Array<{ url: string; text: string; sha256: string | null; status: number | null; reason: string }>;
    expect(item).toMatchObject({ url: rig.site.url(`/files/${doc.file}`), text: doc.text, status: null, reason: 'unlinked' });
    const file = await getBlob(rig.ctx.pool, item!.sha256!);
    expect(file?.mediaType).toBe('application/pdf');
    expect(file?.data.toString('latin1')).toContain(`fixture document ${doc.file}`);
  });

  it('raises document_removed when the fact sheet stays linked but answers 404', async () => {
    const doc = factSheet('answers-404');
    const page = await watchPage(rig.ctx, rig.site, '/news/doc-404', articleFor('/news/doc-404', { documents: [doc] }));
    await page.capture();
    rig.site.gone(`/files/${doc.file}`, 404);
    expect(await page.captureTimes(2)).toEqual(['document_removed']);
    const [alert] = await listAlerts(rig.ctx.pool, { targetId: page.targetId, kind: 'document_removed' });
    expect(alert!.evidence.items).toEqual([expect.objectContaining({ reason: 'status_404', status: 404, text: doc.text, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
  });

  it('raises document_removed when the fact sheet now redirects to the home page, and not when it moved to another file', async () => {
    const gone = factSheet('to-home');
    const moved = factSheet('moved');
    const page = await watchPage(rig.ctx, rig.site, '/news/doc-redirect', articleFor('/news/doc-redirect', { documents: [gone, moved] }));
    await page.capture();
    rig.site.redirect(`/files/${gone.file}`, '/');
    rig.site.redirect(`/files/${moved.file}`, `/files/2019-${moved.file}`);
    expect(await page.captureTimes(2)).toEqual(['document_removed']);
    const [alert] = await listAlerts(rig.ctx.pool, { targetId: page.targetId, kind: 'document_removed' });
    expect(alert!.evidence.items).toEqual([expect.objectContaining({ url: rig.site.url(`/files/${gone.file}`), reason: 'redirect_to_site_root', status: 200 })]);
  });

  it('stays silent while the fact sheet is unchanged, and asks for it conditionally instead of downloading it again', async () => {
    const doc = factSheet('unchanged');
    const page = await watchPage(rig.ctx, rig.site, '/news/doc-unchanged', articleFor('/news/doc-unchanged', { documents: [doc] }));
    expect(await page.captureTimes(3)).toEqual([]);
    const path = `/files/${doc.file}`;
    expect(rig.site.hits(path)).toBe(3);
    // Only the first request got the file; the two after named its ETag and were answered 304.
    expect(rig.site.notModified(path)).toBe(2);
  });

  it('stays silent when a navigation link to a PDF is removed', async () => {
    const spec = articleFor('/news/doc-nav', { navDocuments: [{ file: 'annual-report.pdf', text: 'Annual report (PDF)' }] });
    const page = await watchPage(rig.ctx, rig.site, '/news/doc-nav', spec);
    await page.capture();
    rig.site.article(page.path, { ...spec, navDocuments: [] });
    expect(await page.captureTimes(2)).toEqual([]);
    // A navigation link is never a document, so it is never even asked for.
    expect(rig.site.hits('/files/annual-report.pdf')).toBe(0);
  });
});
