import { describe, expect, it } from 'vitest';
import { realPageFacts } from '../../helpers/real-pages.ts';
import { diffSnapshots, unchangedRecord } from '../../../src/detect/diff-snapshots.ts';
import { fingerprint, type SnapshotContent } from '../../../src/detect/snapshot-content.ts';
import type { PageFacts } from '../../../src/page-data/page-facts.ts';

function realPage(file: string, url: string): SnapshotContent {
  return { status: 200, finalUrl: url, errorCode: null, facts: realPageFacts(file, url) };
}

function facts(blocks: string[], extra: Partial<PageFacts> = {}): PageFacts {
  return {
    title: 'Flintlock 2019 begins',
    canonicalUrl: null,
    blocks: blocks.map((text) => ({ kind: 'paragraph' as const, text })),
    media: [],
    links: [],
    embeds: [],
    ...extra,
  };
}

function page(blocks: string[], extra: Partial<SnapshotContent> = {}, factsExtra: Partial<PageFacts> = {}): SnapshotContent {
  return { status: 200, finalUrl: 'https://www.africom.mil/flintlock', errorCode: null, facts: facts(blocks, factsExtra), ...extra };
}

describe('diffSnapshots on real before/after pages', () => {
  it('reports the EPA reorganisation an analyst called a removal: many blocks and links gone', () => {
    const before = realPage('truepos-major-changes-a.html', 'https://www.epa.gov/page');
    const after = realPage('truepos-major-changes-b.html', 'https://www.epa.gov/page');
    const change = diffSnapshots(before, after);
    expect(change.unchanged).toBe(false);
    expect(change.blocks.removed.length).toBeGreaterThanOrEqual(15);
    expect(change.links.removed.length).toBeGreaterThanOrEqual(8);
    expect(fingerprint(before)).not.toBe(fingerprint(after));
  });

  it('keeps the NOAA view-counter change small: a handful of blocks, not the article', () => {
    const before = realPage('falsepos-num-views-a.html', 'https://www.noaa.gov/news');
    const after = realPage('falsepos-num-views-b.html', 'https://www.noaa.gov/news');
    const change = diffSnapshots(before, after);
    expect(before.facts!.blocks.length).toBeGreaterThan(10);
    expect(change.blocks.removed.length).toBeLessThanOrEqual(3);
    expect(change.blocks.removed.length).toBeLessThan(before.facts!.blocks.length / 5);
  });

  it('finds nothing at all between a real page and itself', () => {
    const a = realPage('falsepos-small-changes-a.html', 'https://www.nrel.gov/');
    const again = realPage('falsepos-small-changes-a.html', 'https://www.nrel.gov/');
    expect(diffSnapshots(a, again)).toEqual(unchangedRecord());
    expect(fingerprint(a)).toBe(fingerprint(again));
  });
});

describe('diffSnapshots', () => {
  it('names the removed paragraph, and only it', () => {
    const before = page(['Intro.', 'Col. Assimi Goita of Mali observed the exercise.', 'Closing.']);
    const after = page(['Intro.', 'Closing.']);
    const change = diffSnapshots(before, after);
    expect(change.blocks.removed).toEqual([{ kind: 'paragraph', text: 'Col. Assimi Goita of Mali observed the exercise.' }]);
    expect(change.blocks.added).toEqual([]);
    expect(change.unchanged).toBe(false);
  });

  it('does not call a moved paragraph removed', () => {
    const change = diffSnapshots(page(['A.', 'B.', 'C.']), page(['C.', 'A.', 'B.']));
    expect(change.blocks).toEqual({ added: [], removed: [] });
    expect(change.unchanged).toBe(true);
  });

  it('counts repeated paragraphs as copies: one of two copies removed is a removal', () => {
    const change = diffSnapshots(page(['Same.', 'Same.']), page(['Same.']));
    expect(change.blocks.removed).toHaveLength(1);
  });

  it('records status, final URL and title changes', () => {
    const change = diffSnapshots(page(['A.']), page(['A.'], { status: 404, finalUrl: 'https://www.africom.mil/404' }, { title: 'Not Found' }));
    expect(change.status).toEqual({ from: 200, to: 404 });
    expect(change.finalUrl).toEqual({ from: 'https://www.africom.mil/flintlock', to: 'https://www.africom.mil/404' });
    expect(change.title).toEqual({ from: 'Flintlock 2019 begins', to: 'Not Found' });
  });

  it('says nothing about the content when the new capture read no page', () => {
    const failed: SnapshotContent = { status: null, finalUrl: 'https://www.africom.mil/flintlock', errorCode: 'timeout', facts: null };
    const change = diffSnapshots(page(['A.', 'B.']), failed);
    expect(change.blocks.removed).toEqual([]);
    expect(change.error).toEqual({ from: null, to: 'timeout' });
    expect(change.unchanged).toBe(false);
  });

  it('reports photos removed, and photos still on the page whose file stopped loading', () => {
    const photo = (url: string, loaded: boolean, status: number) => ({ kind: 'image' as const, url, alt: null, caption: null, loaded, status });
    const before = page(['A.'], {}, { media: [photo('https://x.mil/a.jpg', true, 200), photo('https://x.mil/b.jpg', true, 200)] });
    const after = page(['A.'], {}, { media: [photo('https://x.mil/b.jpg', false, 404)] });
    const change = diffSnapshots(before, after);
    expect(change.media.removed.map((m) => m.url)).toEqual(['https://x.mil/a.jpg']);
    expect(change.media.failed.map((m) => m.url)).toEqual(['https://x.mil/b.jpg']);
  });

  it('reports embedded tweets removed by status id', () => {
    const tweet = { statusId: '1095000000000000001', author: 'USAfricaCommand', url: 'https://twitter.com/USAfricaCommand/status/1095000000000000001', text: 'Flintlock', date: 'February 2019', rendered: false };
    const change = diffSnapshots(page(['A.'], {}, { embeds: [tweet] }), page(['A.']));
    expect(change.embeds.removed.map((e) => e.statusId)).toEqual(['1095000000000000001']);
  });
});
