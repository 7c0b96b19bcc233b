import { createHash } from 'node:crypto';
import type { Page, Response } from 'playwright';
import type { Logger } from 'pino';
import type { MediaFile } from '../page-data/capture-result.ts';
import type { MediaItem } from '../page-data/page-facts.ts';
import type { CaptureLimits } from './types.ts';

/** How many single-file caps the media files of one capture may add up to. */
const TOTAL_MEDIA_FILES_FACTOR = 5;

/** Image and video responses a page received, by URL (redirected requests also under their first URL). */
export interface MediaResponses {
  /** HTTP status of the last response for `url`, or null when the page never got one. */
  statusOf(url: string): number | null;
  /**
   * Bodies of the given media items' complete (200) responses, each within `limits.maxMediaBytes` and all together
   * within five times that, read until `deadline` (epoch ms). A body the browser no longer holds is skipped.
   */
  files(media: MediaItem[], limits: CaptureLimits, deadline: number, logger: Logger): Promise<MediaFile[]>;
}

/** Starts recording a page's image and video responses; call before navigating. */
export function watchMediaResponses(page: Page): MediaResponses {
  const byUrl = new Map<string, Response>();
  page.on('response', (response) => {
    const request = response.request();
    const type = request.resourceType();
    if (type !== 'image' && type !== 'media') return;
    byUrl.set(response.url(), response);
    for (let hop = request.redirectedFrom(); hop; hop = hop.redirectedFrom()) byUrl.set(hop.url(), response);
  });

  return {
    statusOf: (url) => byUrl.get(url)?.status() ?? null,
    async files(media, limits, deadline, logger) {
      const files: MediaFile[] = [];
      const seen = new Set<Response>();
      let budget = limits.maxMediaBytes * TOTAL_MEDIA_FILES_FACTOR;
      for (const item of media) {
        const response = byUrl.get(item.url);
        // 206 answers to video range requests are fragments, not evidence of the file.
        if (!response || response.status() !== 200 || seen.has(response)) continue;
        seen.add(response);
        const headers = response.headers();
        const declared = Number(headers['content-length'] ?? NaN);
        if (declared > limits.maxMediaBytes || declared > budget) continue;
        const remaining = deadline - Date.now();
        if (remaining <= 0) break;
        const data = await bodyWithin(response, remaining).catch((err: unknown) => {
          logger.debug({ url: item.url, err: (err as Error).message }, 'media body unavailable');
          return null;
        });
        if (!data || data.length > limits.maxMediaBytes || data.length > budget) continue;
        budget -= data.length;
        files.push({ url: item.url, contentType: headers['content-type'] ?? null, data });
      }
      return files;
    },
  };
}

async function bodyWithin(response: Response, ms: number): Promise<Buffer | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([response.body(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sets the `sha256` of each item whose file was read, as the store will: the fingerprint then tells a photo whose
 * file changed under the same URL from an unchanged page.
 */
export function markFileHashes(media: MediaItem[], files: MediaFile[]): void {
  const shaByUrl = new Map(files.map((f) => [f.url, createHash('sha256').update(f.data).digest('hex')]));
  for (const m of media) {
    const sha = shaByUrl.get(m.url);
    if (sha) m.sha256 = sha;
  }
}
