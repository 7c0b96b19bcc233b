import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import type { Target } from '../db/targets.ts';
import type { Snapshot } from '../db/snapshots.ts';
import { getBlob } from '../db/blobs.ts';
import { recordingForSnapshot } from '../db/capture-exchanges.ts';
import { putTierState, type TierState } from '../db/target-tiers.ts';
import { decodeHtml } from '../capture/decode-html.ts';
import { readerPool } from '../capture/reader-pool.ts';
import { finishResult, startResult } from '../capture/capture-result.ts';
import type { CaptureResult } from '../page-data/capture-result.ts';
import type { PageFacts } from '../page-data/page-facts.ts';
import { plainPrint } from './plain-print.ts';
import { claimsSameVersion, validatorsOf } from './validators.ts';

/** Most time the plain-HTTP extraction of the received body may take after a capture. */
const READ_BUDGET_MS = 15_000;

/** The main document's body as the browser received it, and its Content-Type. */
interface ReceivedBody {
  body: Buffer;
  contentType: string | null;
}

/**
 * What a full browser capture that answered the page (outcome ok) teaches the cheap tier, stored in target_tiers:
 * whether the page is script-dependent (its rendered main text differs from the plain-HTTP extraction of the very
 * response the browser received), the plain print of that extraction, the main document's validators, and when the
 * capture was taken. A capture that read the page as before (`sameAs`) moves only `fullAt` and `fullSnapshotId`;
 * without a learned state it reads the body from the recording it points at. A capture that found the page's plain
 * print changed while its validators claim the learned version marks them untrusted, for good. Returns what was
 * stored; null when nothing could be learned (no body recorded, or the extraction failed) — the next check then goes
 * to the browser again as `first`.
 */
export async function learnTier(
  ctx: Pick<Context, 'pool'>,
  target: Target,
  result: CaptureResult,
  snapshot: Snapshot,
  prior: TierState | null,
  log: Logger,
): Promise<TierState | null> {
  const moved = { fullAt: result.startedAt, fullSnapshotId: snapshot.id };
  if (result.sameAs !== undefined && prior) {
    const next = { ...prior, ...moved };
    await putTierState(ctx.pool, next);
    return next;
  }
  const received = result.recording ? bodyInRecording(result) : await bodyInStore(ctx, snapshot);
  const plain = received && result.facts ? await plainFacts(received, result.finalUrl, target.options.ignore) : null;
  if (!plain || !result.facts) {
    log.warn({ snapshotId: snapshot.id }, 'check tiers: nothing learned from this capture (no document body recorded, or unreadable)');
    if (!prior) return null;
    const next = { ...prior, ...moved };
    await putTierState(ctx.pool, next);
    return next;
  }
  const validators = validatorsOf(result.headers);
  const print = plainPrint(plain);
  const lied = prior !== null && prior.plainPrint !== null && prior.plainPrint !== print && claimsSameVersion(validators, prior);
  const next: TierState = {
    targetId: target.id,
    scriptDependent: textOf(result.facts) !== textOf(plain) || unwatchedRenderedEmbeds(target, result.facts),
    plainPrint: print,
    ...validators,
    trustsValidators: (prior?.trustsValidators ?? true) && !lied,
    ...moved,
  };
  await putTierState(ctx.pool, next);
  if (lied) log.info({ snapshotId: snapshot.id, ...validators }, 'check tiers: the page changed under the same validators; they are not trusted again');
  return next;
}

/**
 * Embedded tweets the embed script rendered, on a page whose tweets are not watched as targets of their own: whether
 * such an embed still renders only the browser can tell. Watched ones are probed on their own schedule (and an embed
 * taken out of the HTML changes the plain print), so they leave the page on the cheap tier.
 */
function unwatchedRenderedEmbeds(target: Target, facts: PageFacts): boolean {
  return !target.options.watchEmbeds && facts.embeds.some((e) => e.rendered);
}

/** The main text, whitespace normalised: how the browser's and the plain extraction's readings are compared. */
function textOf(facts: PageFacts): string {
  return facts.blocks
    .map((b) => b.text)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The main document's exchange: a `document` at the final URL that answered with a body. */
function isMainDocument<E extends { url: string; resourceType: string; status: number }>(finalUrl: string): (e: E) => boolean {
  return (e) => e.resourceType === 'document' && e.url === finalUrl && e.status >= 200 && e.status < 300;
}

function contentTypeOf(headers: Array<[string, string]>): string | null {
  return headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? null;
}

function bodyInRecording(result: CaptureResult): ReceivedBody | null {
  const main = result.recording?.exchanges.find(isMainDocument(result.finalUrl));
  return main?.body ? { body: main.body, contentType: contentTypeOf(main.responseHeaders) } : null;
}

async function bodyInStore(ctx: Pick<Context, 'pool'>, snapshot: Snapshot): Promise<ReceivedBody | null> {
  const recording = await recordingForSnapshot(ctx.pool, snapshot.id);
  const main = recording?.exchanges.find(isMainDocument(snapshot.finalUrl));
  const blob = main?.body ? await getBlob(ctx.pool, main.body.sha256) : null;
  return blob && main ? { body: blob.data, contentType: contentTypeOf(main.responseHeaders) } : null;
}

/** The plain-HTTP extraction of `received`, exactly as fetch-http.ts reads a page it fetched; null when it fails. */
async function plainFacts(received: ReceivedBody, finalUrl: string, ignore: string[]): Promise<PageFacts | null> {
  if (received.contentType !== null && !/html|xml/i.test(received.contentType)) return null;
  const html = decodeHtml(received.body, received.contentType);
  const read = await readerPool().readPage(html, finalUrl, ignore, Date.now() + READ_BUDGET_MS);
  if (!read.ok) return null;
  // Capped and made storable as a fetched page's facts are, so the print is the one a cheap check computes.
  return finishResult({ ...startResult('http', finalUrl), facts: read.facts }, null).facts;
}
