import type { RecordedExchange } from '../page-data/exchange.ts';
import type { DocumentCheck, MediaItem } from '../page-data/page-facts.ts';

const MAX_REDIRECTS = 5;

/** How a photo or video answered at the last full capture: its status, and what its recorded response said. */
export interface RecordedFile {
  url: string;
  /** The status the browser got for it (after redirects). */
  status: number;
  /** Where its redirects ended in the recording; null when the recording does not hold it. */
  finalUrl: string | null;
  etag: string | null;
  lastModified: string | null;
  /** Its declared Content-Length (or, with no Content-Encoding, the recorded body's bytes); null when unknown. */
  length: number | null;
}

/** How a photo or video is asked on the cheap tier: never its body. */
export type FileQuestion = { method: 'GET'; etag: string | null; lastModified: string | null } | { method: 'HEAD' };

/** What a file answered (after redirects), or null when no answer came in time (refused, unreachable, too slow). */
export type FileAnswer = { status: number; finalUrl: string; length: number | null } | null;

const headerOf = (headers: ReadonlyArray<[string, string]>, name: string): string | null =>
  headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? null;

/**
 * The media item as the full capture's recording holds it, following recorded redirects from its URL. Items the
 * browser got no answer for (`status` null: never requested, such as a lazy photo never scrolled to) are not
 * asked: null.
 */
export function recordedFile(item: MediaItem, exchanges: readonly RecordedExchange[]): RecordedFile | null {
  if (item.status === null) return null;
  let url = item.url;
  let exchange = exchanges.find((e) => e.url === url);
  for (let hop = 0; exchange && exchange.status >= 300 && exchange.status < 400 && hop < MAX_REDIRECTS; hop++) {
    const location = headerOf(exchange.responseHeaders, 'location');
    if (location === null) break;
    url = new URL(location, url).href;
    exchange = exchanges.find((e) => e.url === url);
  }
  if (!exchange) return { url: item.url, status: item.status, finalUrl: null, etag: null, lastModified: null, length: null };
  const declared = Number(headerOf(exchange.responseHeaders, 'content-length') ?? NaN);
  const encoded = headerOf(exchange.responseHeaders, 'content-encoding') !== null;
  const length = Number.isFinite(declared) ? declared : !encoded && exchange.body ? exchange.body.bytes : null;
  return {
    url: item.url,
    status: item.status,
    finalUrl: url,
    etag: headerOf(exchange.responseHeaders, 'etag'),
    lastModified: headerOf(exchange.responseHeaders, 'last-modified'),
    length,
  };
}

const answered = (status: number): boolean => status >= 200 && status < 300;

/**
 * A conditional GET (its body cancelled unread) when the file answered 2xx with an ETag or Last-Modified; a HEAD
 * otherwise: a file that answered without validators, or one that did not answer 2xx (only its status is compared).
 */
export function fileQuestion(file: RecordedFile): FileQuestion {
  if (answered(file.status) && (file.etag !== null || file.lastModified !== null)) return { method: 'GET', etag: file.etag, lastModified: file.lastModified };
  return { method: 'HEAD' };
}

/**
 * Why `file` no longer answers as it did at the full capture, or null when it does. No answer is a change: the
 * browser then decides, nothing is guessed unchanged. Asked conditionally, 304 is unchanged and 200 a new file. Asked
 * by HEAD, another status, final URL or length is a change; the same ones are not — so a replacement of exactly the
 * same length behind a URL without validators is not seen here, only at the target's periodic full capture.
 */
export function fileChanged(file: RecordedFile, question: FileQuestion, answer: FileAnswer): string | null {
  if (answer === null) return 'did not answer in time: the browser must look';
  if (question.method === 'GET') {
    if (answer.status === 304) return null;
    if (answer.status === 200) return 'answered 200 to its conditional request: its file changed';
    return `answered ${answer.status} where it answered ${file.status}`;
  }
  if (answer.status !== file.status) return `answered ${answer.status} where it answered ${file.status}`;
  if (!answered(file.status)) return null;
  if (file.finalUrl !== null && answer.finalUrl !== file.finalUrl) return `now ends at ${answer.finalUrl}, not ${file.finalUrl}`;
  if (file.length === null) return null;
  if (answer.length === null) return 'answered without a length where it had one: cannot tell it unchanged';
  if (answer.length !== file.length) return `is ${answer.length} bytes where it was ${file.length}: its file changed`;
  return null;
}

const DOCUMENT_FIELDS = ['status', 'finalUrl', 'etag', 'lastModified', 'length', 'sha256'] as const;

/**
 * Why a linked document no longer answers as `before` (its DocumentCheck at the full capture) says, or null: asked
 * as a full capture asks it (src/watch/linked-documents.ts askDocument), 'unchanged' is unchanged, and an answer
 * differs when any of its status, final URL, ETag, Last-Modified, length or SHA-256 does. No answer is a change,
 * except for a document that gave none at the full capture either.
 */
export function documentChanged(before: DocumentCheck, now: DocumentCheck | 'unchanged' | null): string | null {
  if (now === 'unchanged') return null;
  if (now === null) return before.status === null ? null : 'did not answer in time: the browser must look';
  const field = DOCUMENT_FIELDS.find((f) => now[f] !== before[f]);
  return field === undefined ? null : `its ${field} is ${String(now[field])} where it was ${String(before[field])}`;
}
