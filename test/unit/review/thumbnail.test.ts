import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeThumbnail, thumbnailEtag, THUMBNAIL_MAX_INPUT_PIXELS, THUMBNAIL_SIZE } from '../../../src/review/thumbnail.ts';

const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } }).png().toBuffer();

describe('timeline thumbnails', () => {
  it('shows the top of a long full-page screenshot at twice the thumbnail size', async () => {
    // A page whose top 300 px are red and the rest white: the thumbnail is the top, so it is red.
    const top = await solid(1280, 300);
    const page = await sharp({ create: { width: 1280, height: 6000, channels: 3, background: '#ffffff' } }).composite([{ input: top, top: 0, left: 0 }]).png().toBuffer();
    const thumb = await makeThumbnail(page);
    const meta = await sharp(thumb).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', THUMBNAIL_SIZE.width * 2, THUMBNAIL_SIZE.height * 2]);
    const { data } = await sharp(thumb).raw().toBuffer({ resolveWithObject: true });
    expect([data[0], data[1], data[2]]).toEqual([200, 40, 40]);
  });

  it('refuses a screenshot over the pixel cap instead of decoding it', async () => {
    const huge = await sharp({ create: { width: 2000, height: Math.ceil(THUMBNAIL_MAX_INPUT_PIXELS / 2000) + 1, channels: 3, background: '#fff' } }).png({ compressionLevel: 1 }).toBuffer();
    await expect(makeThumbnail(huge)).rejects.toThrow(/pixel limit/i);
  });

  it('names the thumbnail by its screenshot and its recipe in the ETag', () => {
    expect(thumbnailEtag('ab'.repeat(32))).toBe(`"${'ab'.repeat(16)}-240x160-top-v1"`);
    expect(thumbnailEtag('cd'.repeat(32))).not.toBe(thumbnailEtag('ab'.repeat(32)));
  });
});
