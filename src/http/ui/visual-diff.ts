import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { InvalidInputError } from '../../errors/index.ts';

/** The compared area is cut to this: a huge page must not exhaust memory. */
export const VISUAL_DIFF_MAX = { width: 1280, height: 8000 } as const;
/** Screenshots larger than this many pixels are not decoded at all. */
const MAX_DECODED_PIXELS = 2 * 1280 * 8000;
/** Changed regions are shown as tinted cells of this size, so a one-pixel change is still easy to see. */
const CELL = 24;

export interface VisualDiff {
  png: Buffer;
  width: number;
  height: number;
  changedPixels: number;
}

/** Width and height from a PNG's header, without decoding it. */
function pngSize(data: Buffer): { width: number; height: number } {
  if (data.length < 24 || data.readUInt32BE(12) !== 0x49484452) throw new InvalidInputError('screenshot', 'the stored screenshot is not a PNG');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

function decode(data: Buffer): PNG {
  const { width, height } = pngSize(data);
  if (width * height > MAX_DECODED_PIXELS) throw new InvalidInputError('screenshot', `the stored screenshot is too large to compare (${width}×${height})`);
  return PNG.sync.read(data);
}

/** `img` copied onto a white canvas of width × height (cut where it is larger). */
function onCanvas(img: PNG, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 4).fill(255);
  const w = Math.min(img.width, width);
  for (let y = 0; y < Math.min(img.height, height); y++) {
    out.set(img.data.subarray(y * img.width * 4, (y * img.width + w) * 4), y * width * 4);
  }
  return out;
}

/**
 * Compares two screenshots: the "after" image faded, the cells that changed tinted, and the changed pixels in
 * red. The shorter image is padded with white (what disappeared below the fold shows as changed); both are cut
 * to VISUAL_DIFF_MAX.
 */
export function visualDiff(before: Buffer, after: Buffer): VisualDiff {
  const a = decode(before);
  const b = decode(after);
  const width = Math.min(Math.max(a.width, b.width), VISUAL_DIFF_MAX.width);
  const height = Math.min(Math.max(a.height, b.height), VISUAL_DIFF_MAX.height);
  const left = onCanvas(a, width, height);
  const right = onCanvas(b, width, height);
  const mask = new Uint8Array(width * height * 4);
  const changedPixels = pixelmatch(left, right, mask, width, height, { threshold: 0.1, diffMask: true, diffColor: [255, 0, 0], aaColor: [0, 0, 0] });

  const changed = (i: number) => mask[i * 4 + 3] !== 0 && mask[i * 4] === 255 && mask[i * 4 + 1] === 0;
  const cols = Math.ceil(width / CELL);
  const hot = new Uint8Array(cols * Math.ceil(height / CELL));
  for (let i = 0; i < width * height; i++) if (changed(i)) hot[Math.floor(i / width / CELL) * cols + Math.floor((i % width) / CELL)] = 1;

  const out = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const o = i * 4;
    if (changed(i)) {
      out.data.set([200, 0, 0, 255], o);
      continue;
    }
    const inHot = hot[Math.floor(i / width / CELL) * cols + Math.floor((i % width) / CELL)] === 1;
    const tint = inHot ? [255, 190, 190] : [255, 255, 255];
    for (let c = 0; c < 3; c++) out.data[o + c] = Math.round(right[o + c]! * 0.35 + tint[c]! * 0.65);
    out.data[o + 3] = 255;
  }
  return { png: PNG.sync.write(out), width, height, changedPixels };
}
