import { createHash } from 'node:crypto';
import type { Page, Response } from 'playwright';
import type { Logger } from 'pino';
import type { MediaFile } from '../page-data/capture-result.ts';
import type { MediaItem } from '../page-data/page-facts.ts';
import type { ExchangeRecorder } from './exchange-recorder.ts';

/** Image and video responses a page received, by URL (redirected requests also under their first URL). */
export interface MediaResponses {
  /** HTTP status of the last response for `url`, or null when the page never got one. */
  statusOf(url: string): number | null;
  /**
   * Bodies of the given media items' complete (200) responses, read through `recorder` (so each body is read from
   * the browser once, within the capture's body budget: each within `maxMediaBytes`, all within five times that)
   * until `deadline` (epoch ms). A body over the caps, or one the browser no longer holds, is skipped.
   */
  files(media: MediaItem[], deadline: number, logger: Logger): Promise<MediaFile[]>;
}

/** Starts recording a page's image and video responses; call before navigating. */
export function watchMediaResponses(page: Page, recorder: ExchangeRecorder): MediaResponses {
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
    async files(media, deadline, logger) {
      const files: MediaFile[] = [];
      const seen = new Set<Response>();
      for (const item of media) {
        const response = byUrl.get(item.url);
        // 206 answers to video range requests are fragments, not evidence of the file.
        if (!response || response.status() !== 200 || seen.has(response)) continue;
        seen.add(response);
        if (Date.now() >= deadline) break;
        const read = await recorder.body(response, deadline);
        if (!('data' in read)) {
          logger.debug({ url: item.url, omitted: read.omitted }, 'media body not kept');
          continue;
        }
        files.push({ url: item.url, contentType: response.headers()['content-type'] ?? null, data: read.data });
      }
      return files;
    },
  };
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
