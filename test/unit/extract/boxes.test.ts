import { describe, expect, it } from 'vitest';
import { boxWithin, clipBoxes } from '../../../src/extract/boxes.ts';
import type { PageFacts } from '../../../src/page-data/page-facts.ts';

const area = { width: 1280, height: 1000 };

describe('boxWithin', () => {
  it('keeps a box inside the screenshot as it is', () => {
    expect(boxWithin({ x: 10, y: 20, width: 300, height: 40 }, area)).toEqual({ x: 10, y: 20, width: 300, height: 40 });
  });

  it('cuts a box at the screenshot edges, in whole pixels', () => {
    expect(boxWithin({ x: -5.5, y: 980.2, width: 2000, height: 50 }, area)).toEqual({ x: 0, y: 980, width: 1280, height: 20 });
  });

  it('drops what lies wholly outside, and anything that is not a box', () => {
    expect(boxWithin({ x: 0, y: 1000, width: 10, height: 10 }, area)).toBeUndefined();
    expect(boxWithin({ x: 0, y: 0, width: Number.NaN, height: 10 }, area)).toBeUndefined();
    expect(boxWithin({ x: 0, y: Infinity, width: 10, height: 10 }, area)).toBeUndefined();
    expect(boxWithin({ x: '1', y: 0, width: 10, height: 10 } as never, area)).toBeUndefined();
    expect(boxWithin(undefined, area)).toBeUndefined();
  });
});

describe('clipBoxes', () => {
  it('cuts every list’s boxes to the screenshot and removes those below it', () => {
    const facts: PageFacts = {
      title: null,
      canonicalUrl: null,
      blocks: [
        { kind: 'paragraph', text: 'Above the cap', box: { x: 10, y: 900, width: 100, height: 200 } },
        { kind: 'paragraph', text: 'Below the cap', box: { x: 10, y: 1200, width: 100, height: 20 } },
        { kind: 'paragraph', text: 'Never drawn' },
      ],
      media: [{ kind: 'image', url: 'https://example.gov/a.png', alt: null, caption: null, loaded: true, status: 200, box: { x: 0, y: 0, width: 50, height: 50 } }],
      links: [{ url: 'https://example.gov/a.pdf', text: 'A (PDF)', main: true, box: { x: 0, y: 2000, width: 50, height: 10 } }],
      embeds: [],
    };
    clipBoxes(facts, area);
    expect(facts.blocks.map((b) => b.box)).toEqual([{ x: 10, y: 900, width: 100, height: 100 }, undefined, undefined]);
    expect('box' in facts.blocks[1]!).toBe(false);
    expect(facts.media[0]!.box).toEqual({ x: 0, y: 0, width: 50, height: 50 });
    expect(facts.links[0]!.box).toBeUndefined();
  });
});
