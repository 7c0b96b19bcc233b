import { describe, expect, it } from 'vitest';
import { classifyCapture, removedBlocks, type ClassifyInput, type ComparedSnapshot } from '../../../src/detect/classify.ts';
import type { ClassifiedOutcome } from '../../../src/detect/outcome.ts';
import type { HostNotFoundPage } from '../../../src/detect/generic-page.ts';
import type { MediaItem, PageFacts, TextBlock } from '../../../src/page-data/page-facts.ts';
import { realPageFacts } from '../../helpers/real-pages.ts';

const URL_A = 'https://www.africom.mil/media-room/article/31514/flintlock-2019-begins';
const GOITA = 'Col. Assimi Goita, commander of Mali’s special forces, said the exercise allowed his soldiers to rehearse cross-border cooperation.';
const PARAS = [
  'OUAGADOUGOU, Burkina Faso – Flintlock 2019, U.S. Africa Command’s premier annual special operations exercise, opened today.',
  'Roughly 2,000 service members will train together at sites in Burkina Faso and Mauritania over the next three weeks.',
  GOITA,
  'Flintlock has been conducted annually since 2005 and is sponsored by U.S. Africa Command and led by SOCAFRICA.',
];
const photo = (file: string, extra: Partial<MediaItem> = {}): MediaItem => ({
  kind: 'image', url: `https://media.defense.gov/2019/Feb/18/${file}`, alt: file, caption: `Caption of ${file}`, loaded: true, status: 200, ...extra,
});
const tweet = { statusId: '1097535219338194944', author: 'USAfricaCommand', url: 'https://twitter.com/USAfricaCommand/status/1097535219338194944', text: 'Flintlock 2019 kicks off', date: 'February 18, 2019', rendered: false };

function facts(paragraphs: string[], extra: Partial<PageFacts> = {}): PageFacts {
  const blocks: TextBlock[] = [{ kind: 'heading', text: 'Flintlock 2019 begins' }, ...paragraphs.map((text) => ({ kind: 'paragraph' as const, text }))];
  return { title: 'Flintlock 2019 begins', canonicalUrl: null, blocks, media: [photo('goita.jpg'), photo('range.jpg')], links: [], embeds: [tweet], ...extra };
}

function snap(id: number, f: PageFacts | null, extra: Partial<ComparedSnapshot> = {}): ComparedSnapshot {
  return { id, status: 200, requestedUrl: URL_A, finalUrl: URL_A, redirects: [], facts: f, ...extra };
}

const OK: ClassifiedOutcome = { outcome: 'ok', signal: 'ok', detail: '' };
const run = (current: ComparedSnapshot, opts: Partial<ClassifyInput> = {}) =>
  classifyCapture({ baseline: snap(1, facts(PARAS)), current, outcome: OK, hostNotFound: null, phrases: ['Assimi Goita'], ...opts });
const kinds = (input: ComparedSnapshot, opts: Partial<ClassifyInput> = {}) => run(input, opts).map((f) => f.kind).sort();

describe('classifyCapture: removals', () => {
  it('finds nothing when nothing changed', () => {
    expect(run(snap(2, facts(PARAS)))).toEqual([]);
  });

  it('raises content_removed and phrase_removed for a cut paragraph naming the watched person', () => {
    const findings = run(snap(2, facts(PARAS.filter((p) => p !== GOITA))));
    expect(findings.map((f) => f.kind).sort()).toEqual(['content_removed', 'phrase_removed']);
    expect(findings.find((f) => f.kind === 'content_removed')?.item).toEqual({ kind: 'paragraph', text: GOITA });
    expect(findings.find((f) => f.kind === 'phrase_removed')?.item).toEqual({ phrase: 'Assimi Goita', sentence: GOITA, part: 'main', remaining: 0 });
  });

  it('raises media_removed for a pulled photo, naming its URL, caption and stored file', () => {
    const base = facts(PARAS, { media: [photo('goita.jpg', { sha256: 'a'.repeat(64) }), photo('range.jpg')] });
    const findings = run(snap(2, facts(PARAS, { media: [photo('range.jpg')] })), { baseline: snap(1, base) });
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'media_removed', item: expect.objectContaining({ reason: 'gone_from_page', url: photo('goita.jpg').url, caption: 'Caption of goita.jpg', blobSha256: 'a'.repeat(64) }) }),
    ]);
  });

  it('raises media_removed when the photo stays but its file answers 404', () => {
    const findings = run(snap(2, facts(PARAS, { media: [photo('goita.jpg', { loaded: false, status: 404 }), photo('range.jpg')] })));
    expect(findings).toEqual([expect.objectContaining({ kind: 'media_removed', item: expect.objectContaining({ reason: 'file_no_longer_loads', status: 404 }) })]);
  });

  it('raises embed_removed when the embedded tweet is gone', () => {
    expect(kinds(snap(2, facts(PARAS, { embeds: [] })))).toEqual(['embed_removed']);
  });

  it('raises page_removed alone for a 404, not the paragraphs, photos and phrase that went with it', () => {
    const findings = run(snap(2, facts(['The page you requested could not be found.']), { status: 404 }), { outcome: { outcome: 'gone', signal: 'status_404', detail: '' } });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'page_removed', item: { signal: 'status_404', status: 404, previousStatus: 200 } });
  });

  it.each([
    ['the site root', 'https://www.africom.mil/', 'redirect_to_site_root'],
    ['a section listing', 'https://www.africom.mil/media-room', 'redirect_to_listing'],
  ])('raises page_removed for a redirect to %s', (_, finalUrl, signal) => {
    const home = facts(['Welcome to U.S. Africa Command, a listing of our latest news and features for partners.']);
    const findings = run(snap(2, home, { finalUrl, redirects: [{ url: URL_A, status: 301 }] }));
    expect(findings).toEqual([expect.objectContaining({ kind: 'page_removed', item: expect.objectContaining({ signal, finalUrl }) })]);
  });

  it('raises page_removed when a redirect lands where the site sends URLs that never existed', () => {
    const probe: HostNotFoundPage = { requestedUrl: 'https://www.africom.mil/scrubwatch-probe-1', status: 200, finalUrl: 'https://www.africom.mil/errors/missing', redirected: true, mainText: 'Sorry' };
    const findings = run(snap(2, facts(['Sorry, we could not find that.']), { finalUrl: probe.finalUrl, redirects: [{ url: URL_A, status: 302 }] }), { hostNotFound: probe });
    expect(findings[0]?.item).toMatchObject({ signal: 'redirect_to_not_found_page' });
  });

  it("raises page_removed when a 200 page matches the host's own not-found page", () => {
    const notFound = 'Page Not Found. The page you are looking for at www.africom.mil may have been moved or no longer exists. Return to the home page or search.';
    const probe: HostNotFoundPage = { requestedUrl: 'https://www.africom.mil/scrubwatch-probe-1', status: 200, finalUrl: 'https://www.africom.mil/scrubwatch-probe-1', redirected: false, mainText: notFound };
    const findings = run(snap(2, facts([notFound], { media: [], embeds: [] })), { hostNotFound: probe });
    expect(findings).toEqual([expect.objectContaining({ kind: 'page_removed', item: expect.objectContaining({ signal: 'matches_host_not_found_page' }) })]);
  });

  it('raises page_moved, not a removal, for a redirect to the same article elsewhere', () => {
    const moved = 'https://www.africom.mil/media-room/article/99999/flintlock-2019-begins-archived';
    expect(kinds(snap(2, facts(PARAS), { finalUrl: moved, redirects: [{ url: URL_A, status: 301 }] }))).toEqual(['page_moved']);
  });

  it('says nothing for blocked and failed captures, and before there is a baseline', () => {
    expect(run(snap(2, facts(['Access Denied'])), { outcome: { outcome: 'blocked', signal: 'waf_akamai', detail: '' } })).toEqual([]);
    expect(run(snap(2, null, { status: null }), { outcome: { outcome: 'error', signal: 'network_timeout', detail: '' } })).toEqual([]);
    expect(run(snap(2, facts([]), { status: 404 }), { baseline: null, outcome: { outcome: 'gone', signal: 'status_404', detail: '' } })).toEqual([]);
  });
});

describe('classifyCapture: the negatives that matter most', () => {
  it.each<[string, PageFacts]>([
    ['an edited typo', facts(PARAS.map((p) => (p === GOITA ? p.replace('rehearse', 'reherse') : p)))],
    ['a reworded sentence in a long paragraph', facts(PARAS.map((p) => (p === GOITA ? `${p} He spoke through an interpreter.` : p)))],
    ['paragraphs in another order', facts([...PARAS].reverse())],
    ['other quote marks and spacing', facts(PARAS.map((p) => p.replace(/’/g, "'").replace(/ /g, '  ')))],
    ['a changed view counter and date', { ...facts(PARAS), blocks: [...facts(PARAS).blocks, { kind: 'paragraph', text: 'Number of views: 1,205' }] }],
    ['a rotating related-stories box', { ...facts(PARAS), blocks: [...facts(PARAS).blocks, { kind: 'list-item', text: 'AFRICOM commander visits troops in Mauritania during the exercise', main: false }] }],
    ['a carousel swapping a photo in place', facts(PARAS, { media: [photo('other.jpg'), photo('range.jpg')] })],
    ['a photo resized by the CDN', facts(PARAS, { media: [photo('goita-300x200.jpg'), photo('range.jpg?w=640&v=3')] })],
    ['a tweet embed that rendered', facts(PARAS, { embeds: [{ ...tweet, rendered: true }] })],
  ])('finds nothing for %s', (_, current) => {
    const base = facts(PARAS, {
      blocks: [...facts(PARAS).blocks, { kind: 'paragraph', text: 'Number of views: 1,204' }, { kind: 'list-item', text: 'Special operations forces wrap up Flintlock 2018 in Niger', main: false }],
    });
    expect(run(snap(2, current), { baseline: snap(1, base) })).toEqual([]);
  });

  it('matches a photo re-hosted under another URL by its stored file hash', () => {
    const base = facts(PARAS, { media: [photo('goita.jpg', { sha256: 'b'.repeat(64) })] });
    const now = facts(PARAS, { media: [photo('rehosted/goita-final.jpg', { sha256: 'b'.repeat(64) })] });
    expect(run(snap(2, now), { baseline: snap(1, base) })).toEqual([]);
  });
});

describe('removedBlocks', () => {
  it('ignores short, volatile and non-main blocks', () => {
    const before: TextBlock[] = [
      { kind: 'paragraph', text: 'Posted Feb. 18, 2019 10:42 AM' },
      { kind: 'paragraph', text: 'Share this.' },
      { kind: 'heading', text: 'A heading that is long enough to count as words but is a heading' },
      { kind: 'paragraph', text: 'A sidebar paragraph of quite some length that readability said was not main content.', main: false },
    ];
    expect(removedBlocks(before, [])).toEqual([]);
  });
});

describe('classifyCapture on real before/after government pages (the analyst verdicts)', () => {
  const pair = (name: string, url: string) => {
    const before = realPageFacts(`${name}-a.html`, url);
    const after = realPageFacts(`${name}-b.html`, url);
    return classifyCapture({ baseline: snap(1, before, { requestedUrl: url, finalUrl: url }), current: snap(2, after, { requestedUrl: url, finalUrl: url }), outcome: OK, hostNotFound: null, phrases: [] });
  };

  it('truepos-major-changes: the EPA reorganisation is content_removed', () => {
    const findings = pair('truepos-major-changes', 'https://www.epa.gov/climatechange');
    expect(findings.filter((f) => f.kind === 'content_removed').length).toBeGreaterThanOrEqual(3);
  });

  it('falsepos-num-views: a changed date and view counter raise nothing', () => {
    expect(pair('falsepos-num-views', 'https://cpo.noaa.gov/news')).toEqual([]);
  });

  it('falsepos-small-changes: small navigation tweaks raise nothing', () => {
    expect(pair('falsepos-small-changes', 'https://www.nrel.gov/')).toEqual([]);
  });
});
