import sharp from 'sharp';
import type { Logger } from 'pino';
import type { MediaFile } from '../page-data/capture-result.ts';
import { HASH_SIDE, perceptualHash } from '../detect/perceptual-hash.ts';

/** Largest photo decoded for its hash, in pixels (a 8000 × 5000 picture); a larger one gets no hash. */
const MAX_PIXELS = 40_000_000;
/** Longest one decode may take; past it the photo gets no hash. */
const MAX_DECODE_SECONDS = 5;

/** Raster formats decoded for a hash, by their first bytes; SVG and anything else are never decoded. */
const SIGNATURES: Array<(b: Buffer) => boolean> = [
  (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff, // JPEG
  (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), // PNG
  (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' && /^(avif|avis)$/.test(b.subarray(8, 12).toString('latin1')),
];

/**
 * The perceptual hash (src/detect/perceptual-hash.ts) of a photo file, or null when it is not a raster format
 * decoded here, is larger than MAX_PIXELS, or fails or takes too long to decode. sharp decodes on libuv's threads,
 * never the main thread; only the first frame of an animation is read, oriented as its EXIF says it is shown.
 */
export async function photoHash(data: Buffer): Promise<string | null> {
  if (!SIGNATURES.some((matches) => matches(data))) return null;
  const { data: grey, info } = await sharp(data, { limitInputPixels: MAX_PIXELS, failOn: 'error', pages: 1, sequentialRead: true })
    .timeout({ seconds: MAX_DECODE_SECONDS })
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(HASH_SIDE, HASH_SIDE, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return info.channels === 1 ? perceptualHash(grey) : null;
}

/** Each image file's perceptual hash, by URL; files that cannot be hashed are logged and left out. */
export async function photoHashes(files: MediaFile[], logger: Logger): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  // One at a time: sharp's threads are shared with every capture of the process.
  for (const file of files) {
    const hash = await photoHash(file.data).catch((err: unknown) => {
      logger.debug({ url: file.url, err: (err as Error).message }, 'photo not hashed');
      return null;
    });
    if (hash) hashes.set(file.url, hash);
  }
  return hashes;
}
