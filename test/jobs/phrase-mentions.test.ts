import { describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, watchPage, withoutPhrase } from '../helpers/watch.ts';
import { flintlockArticle } from '../../src/demo/fixture-site.ts';
import { listAlerts } from '../../src/db/alerts.ts';

const GOITA = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;
const [GOITA_PHOTO] = flintlockArticle.photos;

/**
 * A watched phrase's mentions, through real captures of the fixture site by the capture job: each page names
 * Col. Assimi Goita in a paragraph and in its first photo's caption and alt text, and is watched for "Assimi Goita".
 */
describe('phrase_removed counts mentions (real captures of the fixture site)', () => {
  const rig = useFixtureRig();
  const phraseAlerts = (targetId: number) => listAlerts(rig.ctx.pool, { targetId, kind: 'phrase_removed' });

  it('raises a paragraph naming him cut while his name survives in the photo’s caption and alt text, with remaining 2', async () => {
    const spec = articleFor('/news/mention-cut');
    const page = await watchPage(rig.ctx, rig.site, '/news/mention-cut', spec);
    await page.capture();
    rig.site.article(page.path, { ...spec, paragraphs: spec.paragraphs.filter((p) => p !== GOITA) });
    const first = await page.capture();
    expect(first.alerts).toEqual([]);
    expect(first.lifecycle).toBe('suspect');
    const second = await page.capture();
    expect(second.alerts.map((a) => a.kind).sort()).toEqual(['content_removed', 'phrase_removed']);
    const alert = second.alerts.find((a) => a.kind === 'phrase_removed')!;
    expect(alert.severity).toBe('high');
    expect(alert.summary).toBe('mentions of watched phrase removed: "Assimi Goita" (1 cut, 2 left)');
    expect(alert.evidence).toMatchObject({ firstWithoutSnapshotId: first.snapshot.id, confirmedBySnapshotId: second.snapshot.id });
    expect(alert.evidence.items).toEqual([{ phrase: 'Assimi Goita', sentence: GOITA, part: 'main', remaining: 2 }]);
    // Raised once: the page without the paragraph is the baseline now.
    expect(await page.captureTimes(2)).toEqual([]);
    expect(await phraseAlerts(page.targetId)).toHaveLength(1);
  });

  it('raises nothing when the paragraph naming him moves elsewhere in the article', async () => {
    const spec = articleFor('/news/mention-moved');
    const page = await watchPage(rig.ctx, rig.site, '/news/mention-moved', spec);
    await page.capture();
    rig.site.article(page.path, { ...spec, paragraphs: [...spec.paragraphs.filter((p) => p !== GOITA), GOITA] });
    expect(await page.captureTimes(3)).toEqual([]);
  });

  it('raises nothing when the paragraph naming him is edited and still names him', async () => {
    const spec = articleFor('/news/mention-edited');
    const page = await watchPage(rig.ctx, rig.site, '/news/mention-edited', spec);
    await page.capture();
    const edited = GOITA.replace('Col. Assimi Goita, commander of Mali’s special forces, said', 'Assimi Goita, the colonel who commands Mali’s special forces, told reporters');
    rig.site.article(page.path, { ...spec, paragraphs: spec.paragraphs.map((p) => (p === GOITA ? edited : p)) });
    expect(await page.captureTimes(3)).toEqual([]);
  });

  it('raises every mention with remaining 0 when he is gone from the page: paragraph, caption and alt text', async () => {
    const spec = articleFor('/news/mention-gone');
    const page = await watchPage(rig.ctx, rig.site, '/news/mention-gone', spec);
    await page.capture();
    rig.site.article(page.path, withoutPhrase(spec, 'Goita'));
    expect((await page.captureTimes(2)).sort()).toEqual(['content_removed', 'media_removed', 'phrase_removed']);
    const [alert] = await phraseAlerts(page.targetId);
    expect(alert!.summary).toBe('watched phrase no longer on the page: "Assimi Goita"');
    expect(alert!.evidence.items).toEqual([
      // In the page's order: the figure comes after the lead paragraph; its caption's first sentence, without the credit.
      { phrase: 'Assimi Goita', sentence: GOITA_PHOTO!.caption.replace(/ \(U\.S\. Army photo by Spc\. Cody Hart\)$/, ''), part: 'caption', remaining: 0 },
      { phrase: 'Assimi Goita', sentence: GOITA, part: 'main', remaining: 0 },
      { phrase: 'Assimi Goita', sentence: GOITA_PHOTO!.alt, part: 'caption', remaining: 0 },
    ]);
  });
});
