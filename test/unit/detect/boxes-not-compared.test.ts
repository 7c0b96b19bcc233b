import { describe, expect, it } from 'vitest';
import { classifyCapture } from '../../../src/detect/classify.ts';
import { diffSnapshots } from '../../../src/detect/diff-snapshots.ts';
import { fingerprint, type SnapshotContent } from '../../../src/detect/snapshot-content.ts';
import type { PageFacts } from '../../../src/page-data/page-facts.ts';

const URL_ = 'https://www.africom.mil/news/flintlock';

/** The same page, its boxes given by `at` (a layout shift moves everything by `shift` pixels). */
function page(paragraphs: string[], shift: number | null): PageFacts {
  const at = (i: number) => (shift === null ? {} : { box: { x: 100, y: 200 + shift + i * 80, width: 700, height: 60 } });
  return {
    title: 'Flintlock 2019 begins',
    canonicalUrl: null,
    blocks: paragraphs.map((text, i) => ({ kind: 'paragraph' as const, text, ...at(i) })),
    media: [{ kind: 'image', url: 'https://www.africom.mil/images/goita.jpg', alt: 'Col. Assimi Goita', caption: 'Col. Assimi Goita', loaded: true, status: 200, sha256: 'a'.repeat(64), ...at(9) }],
    links: [{ url: 'https://www.africom.mil/files/fact-sheet.pdf', text: 'Fact sheet (PDF)', main: true, ...at(10) }],
    embeds: [{ statusId: '1098765432101234567', author: 'USAfricaCommand', url: 'https://twitter.com/USAfricaCommand/status/1098765432101234567', text: 'Flintlock begins', date: 'February 18, 2019', rendered: false, error: false, ...at(11) }],
  };
}

const content = (facts: PageFacts): SnapshotContent => ({ status: 200, finalUrl: URL_, errorCode: null, facts });
const PARAGRAPHS = ['Flintlock 2019 began Feb. 18 in Burkina Faso and Mauritania.', 'Col. Assimi Goita said the exercise allowed his soldiers to rehearse.', 'More than 2,000 troops take part.'];

describe('boxes are where things were drawn, never what the page says', () => {
  it('leave the fingerprint as it is: with, without, or shifted', () => {
    const plain = fingerprint(content(page(PARAGRAPHS, null)));
    expect(fingerprint(content(page(PARAGRAPHS, 0)))).toBe(plain);
    expect(fingerprint(content(page(PARAGRAPHS, 340)))).toBe(plain);
  });

  it('leave a page that only moved unchanged', () => {
    const record = diffSnapshots(content(page(PARAGRAPHS, 0)), content(page(PARAGRAPHS, 500)));
    expect(record.unchanged).toBe(true);
  });

  it('give the same change record and the same findings whatever the boxes', () => {
    const cut = PARAGRAPHS.filter((p) => !p.includes('Goita'));
    const without = (facts: PageFacts): PageFacts => ({ ...facts, media: [], links: [], embeds: [] });
    const plain = diffSnapshots(content(page(PARAGRAPHS, null)), content(without(page(cut, null))));
    const boxed = diffSnapshots(content(page(PARAGRAPHS, 0)), content(without(page(cut, 250))));
    expect(boxed).toEqual(plain);
    expect(plain.blocks.removed.map((b) => b.text)).toEqual([PARAGRAPHS[1]]);
    expect(plain.media.removed).toHaveLength(1);

    const classify = (before: PageFacts, after: PageFacts) =>
      classifyCapture({
        baseline: { id: 1, status: 200, requestedUrl: URL_, finalUrl: URL_, redirects: [], facts: before },
        current: { id: 2, status: 200, requestedUrl: URL_, finalUrl: URL_, redirects: [], facts: after },
        outcome: { outcome: 'ok', signal: 'ok', detail: '' },
        hostNotFound: null,
        phrases: ['Assimi Goita'],
      });
    const findings = classify(page(PARAGRAPHS, 0), without(page(cut, 250)));
    expect(findings).toEqual(classify(page(PARAGRAPHS, null), without(page(cut, null))));
    expect(findings.map((f) => f.kind).sort()).toEqual(['content_removed', 'document_removed', 'embed_removed', 'media_removed', 'phrase_removed']);
  });
});
