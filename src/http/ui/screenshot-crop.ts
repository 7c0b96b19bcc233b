import sharp from 'sharp';
import { InvalidInputError } from '../../errors/index.ts';
import type { Region } from './removal-view.ts';

/** A crop is at most this big each way: a readable part of a page, never a way to re-encode a whole screenshot. */
export const CROP_LIMIT = 2_000;
/** Screenshots are capped in height when taken (SCRUBWATCH_SCREENSHOT_MAX_HEIGHT); this refuses anything larger. */
const MAX_SCREENSHOT_PIXELS = 1280 * 100_000;

/**
 * `region` of the PNG screenshot `png`, as a PNG of exactly the region's size: where it runs past the image's edges
 * it is white, so an outline drawn in the region's coordinates stays on its thing. Refused (invalid input) when
 * nothing of the region is on the image. Decoding runs on sharp's threads, bounded by the image's size.
 */
export async function cropScreenshot(png: Buffer, region: Region): Promise<Buffer> {
  const image = sharp(png, { limitInputPixels: MAX_SCREENSHOT_PIXELS, failOn: 'error' });
  const { width = 0, height = 0 } = await image.metadata();
  const left = Math.min(region.x, width);
  const top = Math.min(region.y, height);
  const w = Math.min(region.width, width - left);
  const h = Math.min(region.height, height - top);
  if (w <= 0 || h <= 0) throw new InvalidInputError('region', `the region lies outside the ${width}×${height} screenshot`);
  const cut = await image.extract({ left, top, width: w, height: h }).toBuffer();
  return sharp(cut)
    .extend({ right: region.width - w, bottom: region.height - h, background: { r: 255, g: 255, b: 255, alpha: 1 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}
