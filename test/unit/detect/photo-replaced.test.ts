import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyCapture, type ComparedSnapshot } from '../../../src/detect/classify.ts';
import { hashDistance, perceptualHash, SAME_PICTURE_MAX_DISTANCE, HASH_SIDE } from '../../../src/detect/perceptual-hash.ts';
import { photoHash } from '../../../src/capture/photo-hash.ts';
import type { MediaItem, PageFacts } from '../../../src/page-data/page-facts.ts';
import { sameSceneVariants, scenePhotoJpeg, withoutExif } from '../../helpers/photos.ts';

const PAGE = 'https://www.africom.mil/media-room/article/31514/flintlock-2019-begins';
const PHOTO = 'https://media.defense.gov/2019/Feb/18/goita.jpg';
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function hashOf(data: Buffer): Promise<string> {
  const hash = await photoHash(data);
  if (!hash) throw new Error('a test photo was not hashed');
  return hash;
}

/** A snapshot whose only photo is `data` under PHOTO, stored and hashed as the store keeps it. */
async function snapshotWith(id: number, data: Buffer): Promise<ComparedSnapshot> {
  const photo: MediaItem = { kind: 'image', url: PHOTO, alt: 'Col. Assimi Goita', caption: 'Col. Assimi Goita at Flintlock', loaded: true, status: 200, sha256: sha(data), perceptualHash: await hashOf(data) };
  const facts: PageFacts = { title: 'Flintlock 2019 begins', canonicalUrl: null, blocks: [{ kind: 'paragraph', text: 'Flintlock 2019 opened today in Burkina Faso with two thousand service members.' }], media: [photo], links: [], embeds: [] };
  return { id, status: 200, requestedUrl: PAGE, finalUrl: PAGE, redirects: [], facts };
}

const classify = (baseline: ComparedSnapshot, current: ComparedSnapshot) =>
  classifyCapture({ baseline, current, outcome: { outcome: 'ok', signal: 'ok', detail: '' }, hostNotFound: null, phrases: [] });

describe('perceptual hash: the same picture in new bytes vs a different picture', () => {
  const distances: Record<string, number[]> = {};
  const different: number[] = [];

  beforeAll(async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const [name, { before, after }] of Object.entries(await sameSceneVariants(seed))) {
        expect(sha(after), `${name} makes new bytes`).not.toBe(sha(before));
        (distances[name] ??= []).push(hashDistance(await hashOf(before), await hashOf(after)));
      }
    }
    const hashes = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(async (seed) => hashOf(await scenePhotoJpeg(seed))));
    for (const [i, a] of hashes.entries()) for (const b of hashes.slice(i + 1)) different.push(hashDistance(a, b));
  });

  it.each(['PNG recompressed', 'JPEG re-saved at quality 60', 'resized by 10 %', 'EXIF stripped'])('%s stays within the threshold', (name) => {
    const measured = distances[name] ?? [];
    expect(measured).toHaveLength(5);
    // Measured on these photos: 0 for all but the resize, which moves 2 bits (docs/detection.md).
    expect(Math.max(...measured)).toBeLessThanOrEqual(2);
    expect(Math.max(...measured)).toBeLessThanOrEqual(SAME_PICTURE_MAX_DISTANCE);
  });

  it('keeps every pair of different pictures above the threshold, with a wide margin', () => {
    expect(different).toHaveLength(28);
    // Measured: 22 at the closest, about 32 (half of 64 bits, as for unrelated pictures) on average.
    expect(Math.min(...different)).toBeGreaterThan(SAME_PICTURE_MAX_DISTANCE + 8);
    expect(different.reduce((a, b) => a + b, 0) / different.length).toBeGreaterThan(26);
  });

  it('strips EXIF without touching a pixel: the hash is the same', async () => {
    const jpeg = await scenePhotoJpeg(9);
    expect(await hashOf(withoutExif(jpeg))).toBe(await hashOf(jpeg));
  });
});

describe('perceptual hash: its arithmetic', () => {
  it('is 64 bits as 16 hex digits, and the distance counts differing bits', () => {
    const ramp = Array.from({ length: HASH_SIDE * HASH_SIDE }, (_, i) => (i % HASH_SIDE) * 8);
    const hash = perceptualHash(ramp);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(hashDistance(hash, hash)).toBe(0);
    expect(hashDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hashDistance('0000000000000000', '0000000000000013')).toBe(3);
  });

  it('does not change when the picture is only brighter', () => {
    // A textured picture: a plain ramp has many coefficients tied at zero, where rounding alone flips bits.
    const texture = Array.from({ length: HASH_SIDE * HASH_SIDE }, (_, i) => Math.floor(Math.abs(Math.sin(i * 12.9898) * 43758) % 200));
    expect(perceptualHash(texture.map((v) => v + 40))).toBe(perceptualHash(texture));
  });

  it('refuses pixels of the wrong size', () => {
    expect(() => perceptualHash(new Uint8Array(10))).toThrow(RangeError);
  });
});

describe('photoHash: bounded decoding', () => {
  it('decodes no SVG, no HTML and no truncated file', async () => {
    expect(await photoHash(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'))).toBeNull();
    expect(await photoHash(Buffer.from('<!doctype html><p>not a photo</p>'))).toBeNull();
    const jpeg = await scenePhotoJpeg(3);
    await expect(photoHash(jpeg.subarray(0, jpeg.length / 3))).rejects.toThrow();
  });

  it('refuses a picture over the pixel limit before decoding it', async () => {
    // A PNG header claiming 10000 × 10000 pixels: refused on its dimensions, whatever follows.
    const sharp = (await import('sharp')).default;
    const huge = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#000000' } }).png({ compressionLevel: 9 }).toBuffer();
    await expect(photoHash(huge)).rejects.toThrow(/pixel limit/i);
  });
});

describe('classifyCapture: a photo replaced under the same URL', () => {
  it('raises media_removed with replaced: true, both SHA-256s and both stored copies, for a different picture', async () => {
    const beforeFile = await scenePhotoJpeg(1);
    const afterFile = await scenePhotoJpeg(2);
    const findings = classify(await snapshotWith(10, beforeFile), await snapshotWith(11, afterFile));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: 'media_removed',
      key: `media_removed:${PHOTO}`,
      item: {
        reason: 'replaced_under_same_url',
        replaced: true,
        url: PHOTO,
        caption: 'Col. Assimi Goita at Flintlock',
        blobSha256: sha(beforeFile),
        sha256Before: sha(beforeFile),
        sha256After: sha(afterFile),
        storedBefore: `/api/snapshots/10/media/${sha(beforeFile)}`,
        storedAfter: `/api/snapshots/11/media/${sha(afterFile)}`,
      },
    });
    expect(findings[0]?.item.pictureDistance).toBeGreaterThan(SAME_PICTURE_MAX_DISTANCE);
  });

  it.each(['PNG recompressed', 'JPEG re-saved at quality 60', 'resized by 10 %', 'EXIF stripped'])('raises nothing for the same picture %s', async (name) => {
    const pair = (await sameSceneVariants(4))[name];
    if (!pair) throw new Error(`no variant ${name}`);
    expect(classify(await snapshotWith(10, pair.before), await snapshotWith(11, pair.after))).toEqual([]);
  });

  it('raises nothing when either file has no perceptual hash (stored before hashes were kept, or undecodable)', async () => {
    const before = await snapshotWith(10, await scenePhotoJpeg(1));
    const after = await snapshotWith(11, await scenePhotoJpeg(2));
    for (const m of before.facts?.media ?? []) m.perceptualHash = null;
    expect(classify(before, after)).toEqual([]);
  });
});
