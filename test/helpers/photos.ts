import sharp from 'sharp';
import { seededRandom } from './seeded-random.ts';

/** Width and height of the test photos, in pixels (a typical article photo, 3:2). */
export const PHOTO_SIZE = { width: 600, height: 400 };


/**
 * A photo-like picture as raw RGB: a sky-to-ground gradient, a dozen soft-edged shapes in the seed's own places and
 * colours, and sensor-like noise — enough texture that JPEG and resizing alter many pixels, as on a real photo.
 */
export function scenePixels(seed: number, { width, height } = PHOTO_SIZE): Buffer {
  const rnd = seededRandom(seed);
  const top = [rnd() * 255, rnd() * 255, rnd() * 255];
  const bottom = [rnd() * 255, rnd() * 255, rnd() * 255];
  const shapes = Array.from({ length: 12 }, () => ({
    x: rnd() * width,
    y: rnd() * height,
    rx: 20 + rnd() * width * 0.25,
    ry: 20 + rnd() * height * 0.25,
    colour: [rnd() * 255, rnd() * 255, rnd() * 255],
  }));
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = y / height;
      let rgb = top.map((c, i) => c * (1 - t) + bottom[i]! * t);
      for (const s of shapes) {
        const d = ((x - s.x) / s.rx) ** 2 + ((y - s.y) / s.ry) ** 2;
        if (d < 1) {
          const alpha = Math.min(1, (1 - d) * 4);
          rgb = rgb.map((c, i) => c * (1 - alpha) + s.colour[i]! * alpha);
        }
      }
      const noise = (rnd() - 0.5) * 24;
      for (let i = 0; i < 3; i++) pixels[(y * width + x) * 3 + i] = Math.max(0, Math.min(255, Math.round(rgb[i]! + noise)));
    }
  }
  return pixels;
}

const raw = (seed: number) => sharp(scenePixels(seed), { raw: { ...PHOTO_SIZE, channels: 3 } });

/** The seed's picture as a JPEG at `quality`, with EXIF (camera, date, copyright) as a camera would write it. */
export function scenePhotoJpeg(seed: number, quality = 90): Promise<Buffer> {
  return raw(seed)
    .withExif({ IFD0: { Make: 'Scrubwatch Test Camera', Copyright: 'U.S. Army photo', DateTime: '2026:01:02 03:04:05' } })
    .jpeg({ quality })
    .toBuffer();
}

/** The seed's picture as a PNG. */
export function scenePhotoPng(seed: number, compressionLevel = 9): Promise<Buffer> {
  return raw(seed).png({ compressionLevel }).toBuffer();
}

/**
 * The same picture in new bytes, each the way a site re-publishes a photo without changing it: a PNG recompressed,
 * a JPEG re-saved at another quality, resized by 10 %, and its EXIF stripped.
 */
export async function sameSceneVariants(seed: number): Promise<Record<string, { before: Buffer; after: Buffer }>> {
  const jpeg = await scenePhotoJpeg(seed);
  const png = await scenePhotoPng(seed);
  return {
    'PNG recompressed': { before: png, after: await sharp(png).png({ compressionLevel: 1, adaptiveFiltering: true }).toBuffer() },
    'JPEG re-saved at quality 60': { before: jpeg, after: await sharp(jpeg).jpeg({ quality: 60 }).toBuffer() },
    'resized by 10 %': { before: jpeg, after: await sharp(jpeg).resize(Math.round(PHOTO_SIZE.width * 0.9)).jpeg({ quality: 90 }).toBuffer() },
    'EXIF stripped': { before: jpeg, after: withoutExif(jpeg) },
  };
}

/** The JPEG with its EXIF (APP1) segments cut out and every other byte as it was: the same pixels, new bytes. */
export function withoutExif(jpeg: Buffer): Buffer {
  const kept: Buffer[] = [jpeg.subarray(0, 2)];
  let at = 2;
  // Segments up to the start of scan each say their length; the compressed image after it is kept whole.
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff && jpeg[at + 1] !== 0xda) {
    const end = at + 2 + jpeg.readUInt16BE(at + 2);
    if (jpeg[at + 1] !== 0xe1) kept.push(jpeg.subarray(at, end));
    at = end;
  }
  kept.push(jpeg.subarray(at));
  const stripped = Buffer.concat(kept);
  if (stripped.length === jpeg.length) throw new Error('the JPEG had no EXIF segment to strip');
  return stripped;
}
