import { capCapture } from '../extract/caps.ts';
import type { CaptureFailure, CaptureResult, FetcherKind } from '../page-data/capture-result.ts';
import type { PageFacts } from '../page-data/page-facts.ts';

/** A capture result before it is finished: filled in as the capture goes, so a failure keeps what was read. */
export function startResult(fetcher: FetcherKind, requestedUrl: string): CaptureResult {
  return {
    fetcher,
    requestedUrl,
    finalUrl: requestedUrl,
    redirects: [],
    status: null,
    headers: {},
    startedAt: new Date(),
    durationMs: 0,
    error: null,
    facts: null,
    html: null,
    text: null,
    screenshot: null,
    mediaFiles: [],
  };
}

/**
 * A finished copy of `draft`, with its duration and `error` (if any) set, everything a page controls within the
 * caps of caps.ts (the main text read again from the capped facts), and every string in it storable (see
 * toStorableText). Copying matters for the browser: work cut off by the deadline may still write to the draft after
 * the result has been handed back. A refused address (`blocked_url`) keeps nothing read from it, whatever was read
 * before the refusal landed.
 */
export function finishResult(draft: CaptureResult, error: CaptureFailure | null): CaptureResult {
  const refused = error?.code === 'blocked_url';
  const capped = capCapture({ ...draft, error });
  return {
    ...capped,
    screenshot: refused ? null : capped.screenshot,
    requestedUrl: toStorableText(capped.requestedUrl),
    finalUrl: toStorableText(capped.finalUrl),
    redirects: storable(capped.redirects),
    headers: storable(capped.headers),
    facts: refused ? null : storable(capped.facts),
    html: refused || capped.html === null ? null : toStorableText(capped.html),
    text: refused ? null : capped.facts !== null ? toStorableText(mainText(capped.facts)) : capped.text === null ? null : toStorableText(capped.text),
    mediaFiles: refused ? [] : [...capped.mediaFiles],
    error: storable(capped.error),
    durationMs: Date.now() - draft.startedAt.getTime(),
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `text` with NUL characters and unpaired surrogates replaced by U+FFFD. A page can hold both (NUL bytes in its
 * source, a script writing '\uD800'); Postgres refuses NUL in text and jsonb values, and an unpaired surrogate
 * has no UTF-8 form, so either would lose the snapshot, its change record or its alert at insert.
 */
export function toStorableText(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

/** A deep copy of plain data with every string storable. */
function storable<T>(value: T): T {
  if (typeof value === 'string') return toStorableText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => storable(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [toStorableText(key), storable(item)])) as T;
}

/** The capture's main text: the blocks' text joined by blank lines. */
export function mainText(facts: PageFacts): string {
  return facts.blocks.map((b) => b.text).join('\n\n');
}
