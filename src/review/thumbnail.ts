import sharp from 'sharp';

/** The timeline's thumbnails: the top of the page (what a reader saw first), this many CSS pixels wide and high. */
export const THUMBNAIL_SIZE = { width: 240, height: 160 } as const;

/**
 * The most pixels a screenshot may have to be thumbnailed (a full-page screenshot of a very long page, decoded,
 * is this many times four bytes): beyond it the decoder refuses, rather than the server spending its memory.
 */
export const THUMBNAIL_MAX_INPUT_PIXELS = 1920 * 32_768;

/** Changes whenever the thumbnail's recipe does, so a browser's cached copy from an older one is not reused. */
const RECIPE = `${THUMBNAIL_SIZE.width}x${THUMBNAIL_SIZE.height}-top-v1`;

/** The ETag of a screenshot's thumbnail: the screenshot's own content hash and the recipe. */
export const thumbnailEtag = (screenshotSha256: string): string => `"${screenshotSha256.slice(0, 32)}-${RECIPE}"`;

/** A small PNG of the top of a screenshot, at twice THUMBNAIL_SIZE for sharp display on dense screens. */
export async function makeThumbnail(screenshot: Buffer): Promise<Buffer> {
  return sharp(screenshot, { limitInputPixels: THUMBNAIL_MAX_INPUT_PIXELS, failOn: 'error' })
    .resize(THUMBNAIL_SIZE.width * 2, THUMBNAIL_SIZE.height * 2, { fit: 'cover', position: 'top' })
    .png({ palette: true, compressionLevel: 9 })
    .toBuffer();
}
