import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import type { TextBlock } from '../../../src/page-data/page-facts.ts';
import { diffSnapshots } from '../../../src/detect/diff-snapshots.ts';
import { pairChangedBlocks } from '../../../src/review/snapshot-diff.ts';
import { alignBlocks, buildDiffView } from '../../../src/http/ui/diff-view.ts';
import { visualDiff, VISUAL_DIFF_MAX } from '../../../src/http/ui/visual-diff.ts';

const p = (text: string): TextBlock => ({ kind: 'paragraph', text });
const facts = (blocks: TextBlock[]) => ({ title: 't', canonicalUrl: null, blocks, media: [], links: [], embeds: [] });
const content = (blocks: TextBlock[]) => ({ status: 200, finalUrl: 'https://example.mil/a', errorCode: null, facts: facts(blocks) });
const record = (before: TextBlock[], after: TextBlock[]) => {
  const r = diffSnapshots(content(before), content(after));
  return { ...r, blocks: pairChangedBlocks(r.blocks) };
};

describe('the side-by-side text diff', () => {
  const before = [p('Flintlock 2019 opened today in Ouagadougou.'), p('Col. Assimi Goita spoke with his soldiers.'), p('Maj. Gen. Hicks said African partners lead the exercise.'), p('Flintlock has run since 2005.')];
  const after = [p('Flintlock 2019 opened today in Ouagadougou.'), p('Maj. Gen. Hicks stressed that African partners lead the exercise.'), p('Flintlock has run since 2005.'), p('A new closing paragraph.')];

  it('keeps page order: unchanged, removed, edited word by word, added', () => {
    const rows = alignBlocks(before, after, record(before, after).blocks.changed);
    expect(rows.map((r) => r.op)).toEqual(['same', 'removed', 'changed', 'same', 'added']);
    expect(rows[1]!.before).toEqual([{ text: before[1]!.text, op: 'del' }]);
    const edited = rows[2]!;
    expect(edited.before!.filter((w) => w.op === 'del').map((w) => w.text.trim())).toEqual(['said']);
    expect(edited.after!.filter((w) => w.op === 'ins').map((w) => w.text.trim())).toEqual(['stressed that']);
    expect(edited.before!.map((w) => w.text).join('')).toBe(before[2]!.text);
    expect(edited.after!.map((w) => w.text).join('')).toBe(after[1]!.text);
    expect(rows[4]!.after).toEqual([{ text: 'A new closing paragraph.', op: 'ins' }]);
  });

  it('folds long runs of unchanged blocks and counts each kind of row', () => {
    const common = Array.from({ length: 8 }, (_, i) => p(`Unchanged paragraph number ${i} of the article.`));
    const view = buildDiffView([...common, p('Gone for good.')], common, record([...common, p('Gone for good.')], common));
    expect(view.sections.map((s) => [s.op, s.rows.length])).toEqual([['unchanged', 8], ['rows', 1]]);
    expect(view.counts).toEqual({ removed: 1, added: 0, changed: 0, same: 8 });
  });
});

function png(width: number, height: number, paint: (x: number, y: number) => [number, number, number]): Buffer {
  const img = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) img.data.set([...paint(x, y), 255], (y * width + x) * 4);
  return PNG.sync.write(img);
}

describe('the visual screenshot difference', () => {
  it('marks the changed region in red and leaves the rest faded', () => {
    const white = png(100, 100, () => [255, 255, 255]);
    const boxed = png(100, 100, (x, y) => (x >= 40 && x < 60 && y >= 40 && y < 60 ? [0, 0, 0] : [255, 255, 255]));
    const diff = visualDiff(white, boxed);
    expect(diff.changedPixels).toBe(400);
    const out = PNG.sync.read(diff.png);
    const at = (x: number, y: number) => [...out.data.subarray((y * 100 + x) * 4, (y * 100 + x) * 4 + 3)];
    expect(at(50, 50)).toEqual([200, 0, 0]);
    expect(at(5, 5)).toEqual([255, 255, 255]);
  });

  it('pads the shorter screenshot and cuts both to the cap', () => {
    const tall = png(10, VISUAL_DIFF_MAX.height + 50, () => [255, 255, 255]);
    const short = png(10, 20, () => [255, 255, 255]);
    const diff = visualDiff(short, tall);
    expect([diff.width, diff.height]).toEqual([10, VISUAL_DIFF_MAX.height]);
    expect(diff.changedPixels).toBe(0);
  });

  it('refuses what is not a PNG', () => {
    expect(() => visualDiff(Buffer.from('<svg/>'), Buffer.from('<svg/>'))).toThrow(/not a PNG/);
  });
});
