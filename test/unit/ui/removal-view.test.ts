import { describe, expect, it } from 'vitest';
import { cropHref, removedThings, wantedFromAlert, wantedFromRecord } from '../../../src/http/ui/removal-view.ts';
import { diffSnapshots } from '../../../src/detect/diff-snapshots.ts';
import type { PageFacts, TextBlock } from '../../../src/page-data/page-facts.ts';

const LEAD = 'Flintlock 2019 began Feb. 18 in Burkina Faso and Mauritania.';
const GOITA = 'Col. Assimi Goita, commander of Mali’s special forces, said the exercise allowed his soldiers to rehearse.';
const LAST = 'More than 2,000 troops from 30 nations take part.';

const block = (text: string, y: number, kind: TextBlock['kind'] = 'paragraph'): TextBlock => ({ kind, text, box: { x: 100, y, width: 700, height: 60 } });

const before: PageFacts = {
  title: 'Flintlock',
  canonicalUrl: null,
  blocks: [block(LEAD, 200), block(GOITA, 600), block(LAST, 700)],
  media: [{ kind: 'image', url: 'https://x.gov/goita.jpg', alt: null, caption: 'Col. Assimi Goita at the ceremony', loaded: true, status: 200, box: { x: 100, y: 300, width: 600, height: 280 } }],
  links: [{ url: 'https://x.gov/fact-sheet.pdf', text: 'Fact sheet (PDF)', main: true, box: { x: 100, y: 800, width: 200, height: 20 } }],
  embeds: [],
};
// The photo and the paragraph went: the last paragraph moved up by 380 pixels.
const after: PageFacts = { ...before, blocks: [block(LEAD, 200), block(LAST, 320)], media: [], links: [] };

describe('removedThings', () => {
  it('numbers the removed things in page order, each with its crop and the same place on the later page', () => {
    const things = removedThings(wantedFromAlert('content_removed', [{ kind: 'paragraph', text: GOITA }]).concat(wantedFromAlert('media_removed', [{ url: 'https://x.gov/goita.jpg' }])), before, after);
    expect(things.map((t) => [t.number, t.label, t.box.y])).toEqual([[1, 'Photo', 300], [2, 'Paragraph', 600]]);
    const paragraph = things[1]!;
    expect(paragraph.before.region).toEqual({ x: 52, y: 552, width: 796, height: 156 });
    expect(paragraph.before.outline).toEqual({ x: 48, y: 48, width: 700, height: 60 });
    // The nearest block above it on both pages is the lead, which did not move: the same place is the same pixels.
    expect(paragraph.after.region).toEqual(paragraph.before.region);
    // A 696 px photo crop is read side by side at half the column; a 796 px paragraph crop, halved, is not.
    expect(things.map((t) => t.sideBySide)).toEqual([true, false]);
  });

  it('follows the page where it moved above the removed thing', () => {
    const shifted: PageFacts = { ...after, blocks: [block(LEAD, 260), block(LAST, 380)] };
    const [thing] = removedThings([{ what: 'text', text: GOITA }], before, shifted);
    expect(thing!.after.region.y - thing!.before.region.y).toBe(60);
  });

  it('finds a cut excerpt and a phrase’s sentence, a document link, and skips what has no box', () => {
    const excerpt = `${GOITA.slice(0, 40)}…`;
    expect(removedThings([{ what: 'text', text: excerpt }], before, after).map((t) => t.label)).toEqual(['Paragraph']);
    expect(removedThings(wantedFromAlert('phrase_removed', [{ phrase: 'Assimi Goita', sentence: GOITA, part: 'main' }]), before, after).map((t) => t.label)).toEqual(['Sentence']);
    expect(removedThings(wantedFromAlert('phrase_removed', [{ phrase: 'Assimi Goita', sentence: 'Col. Assimi Goita at the ceremony', part: 'caption' }]), before, after).map((t) => t.label)).toEqual(['Photo']);
    expect(removedThings(wantedFromAlert('document_removed', [{ url: 'https://x.gov/fact-sheet.pdf' }]), before, after).map((t) => t.label)).toEqual(['Document link']);
    const unboxed: PageFacts = { ...before, blocks: before.blocks.map(({ kind, text }) => ({ kind, text })) };
    expect(removedThings([{ what: 'text', text: GOITA }], unboxed, after)).toEqual([]);
    expect(removedThings([{ what: 'text', text: GOITA }], null, after)).toEqual([]);
  });

  it('keeps crops within their bounds: a long paragraph shows its start', () => {
    const long: PageFacts = { ...before, blocks: [{ kind: 'paragraph', text: GOITA, box: { x: 0, y: 10, width: 1280, height: 3000 } }] };
    const [thing] = removedThings([{ what: 'text', text: GOITA }], long, null);
    expect(thing!.before.region).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
    expect(thing!.before.outline).toEqual({ x: 0, y: 10, width: 1280, height: 710 });
    expect(cropHref(7, thing!.before.region)).toBe('/snapshots/7/screenshot/crop?x=0&y=0&w=1280&h=720');
  });

  it('reads what a change record removed: blocks, photos, and links that are documents', () => {
    const record = diffSnapshots({ status: 200, finalUrl: 'https://x.gov/a', errorCode: null, facts: before }, { status: 200, finalUrl: 'https://x.gov/a', errorCode: null, facts: after });
    expect(wantedFromRecord(record)).toEqual([
      { what: 'text', text: GOITA },
      { what: 'media', url: 'https://x.gov/goita.jpg' },
      { what: 'document', url: 'https://x.gov/fact-sheet.pdf' },
    ]);
  });
});
