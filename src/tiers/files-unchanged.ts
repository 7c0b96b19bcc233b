import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import type { Target } from '../db/targets.ts';
import type { Snapshot } from '../db/snapshots.ts';
import { recordingForSnapshot } from '../db/capture-exchanges.ts';
import { captureRequestFor } from '../capture/capture-request.ts';
import { TOTAL_BODY_FACTOR } from '../capture/recording-caps.ts';
import { hostKey, type HostGate } from '../politeness/host-gate.ts';
import type { PageFacts } from '../page-data/page-facts.ts';
import { askDocument, createDocumentFetcher, documentCheckOf, type DocumentFetcher } from '../capture/document-fetch.ts';
import { documentChanged, fileChanged, fileQuestion, recordedFile, type RecordedFile } from './file-verdict.ts';

/** A photo, video or linked document that no longer answers as it did at the last full capture, and how. */
export interface ChangedFile {
  url: string;
  why: string;
}

/** Files asked at once: a browser loads a page's photos in parallel too, but a cheap check should stay light. */
const AT_ONCE = 4;

type Ask = (fetcher: DocumentFetcher) => Promise<string | null>;

/**
 * The first photo/video or linked document of `facts` (the page facts of `full`, the target's last full browser
 * snapshot) that no longer answers as it did at that capture, or null when every one does — without downloading
 * any of them again when unchanged.
 *
 * Photos and videos are the http(s) ones the browser got an answer for (a status, or a stored file), all of them
 * (facts keep at most FACT_CAPS.media), as the full capture loads them: none is left out that it would have seen. Their validators come from that capture's recording: one that answered 2xx with an ETag
 * or Last-Modified is asked with a conditional GET (304: unchanged; 200: changed, its body cancelled unread); one
 * without is asked with HEAD, and another status, final URL or Content-Length is a change. A replacement of exactly
 * the same length behind a URL without validators is therefore not seen here: the target's periodic full capture
 * (`fullEvery`) catches it. Linked documents (facts.documents) are asked exactly as a full capture asks them
 * (src/watch/linked-documents.ts) and compared with what they answered then.
 *
 * Every request goes through the target's network policy (the address guard), with scrubwatch's user agent, at most
 * AT_ONCE at a time, each bounded by `deadline` (epoch ms); other hosts than the page's take their politeness slot
 * from `ctx.hostGate`, while the page's own host is asked under the slot the caller's capture job already holds for
 * it. A file that gives no answer by the deadline counts as changed (the browser then looks): nothing is guessed
 * unchanged. The first change found stops the rest.
 */
export async function changedFile(
  ctx: Pick<Context, 'config' | 'hostGate' | 'pool'>,
  target: Target,
  full: Snapshot,
  facts: PageFacts,
  deadline: number,
  log: Logger,
): Promise<ChangedFile | null> {
  const recording = facts.media.length > 0 ? await recordingForSnapshot(ctx.pool, full.id) : null;
  const { limits } = captureRequestFor(target, ctx.config);
  const asks: Array<{ url: string; ask: Ask }> = [];
  const seen = new Set<string>();
  for (const item of facts.media) {
    // A data: photo is part of the page itself, which the page's own check covers.
    if (seen.has(item.url) || !/^https?:/i.test(item.url)) continue;
    seen.add(item.url);
    const status = item.status ?? (item.sha256 ? 200 : null);
    const file = recordedFile({ ...item, status }, recording?.exchanges ?? []);
    if (file) asks.push({ url: file.url, ask: (fetcher) => askMedia(fetcher, file, deadline) });
  }
  let budget = limits.maxMediaBytes * TOTAL_BODY_FACTOR;
  for (const before of facts.documents ?? []) {
    asks.push({
      url: before.url,
      async ask(fetcher) {
        const answer = await askDocument(fetcher, before.url, before, Math.max(0, Math.min(limits.maxMediaBytes, budget)), deadline);
        if (answer !== null && answer !== 'unchanged' && answer.body) budget -= answer.body.length;
        return documentChanged(before, answer === null || answer === 'unchanged' ? answer : documentCheckOf(before.url, answer));
      },
    });
  }
  if (asks.length === 0) return null;

  const gate = pageHostExempt(ctx.hostGate, hostKey(target.url));
  const holder = `cheap-files:${target.id}:${randomUUID()}`;
  const timeoutMs = Math.max(1, deadline - Date.now());
  const fetchers = Array.from({ length: Math.min(AT_ONCE, asks.length) }, () => createDocumentFetcher(limits, gate, holder, timeoutMs));
  let next = 0;
  let found: ChangedFile | null = null;
  const run = async (fetcher: DocumentFetcher): Promise<void> => {
    while (found === null && next < asks.length) {
      const { url, ask } = asks[next++]!;
      const why = Date.now() < deadline ? await ask(fetcher) : 'not asked before the deadline: the browser must look';
      if (why !== null && found === null) {
        found = { url, why };
        // Closing every fetcher aborts the requests still under way: nothing more is needed.
        await Promise.all(fetchers.map((f) => f.close()));
      }
    }
  };
  try {
    await Promise.all(fetchers.map(run));
  } finally {
    await Promise.all(fetchers.map((f) => f.close()));
  }
  log.debug({ asked: Math.min(next, asks.length), files: asks.length, changed: found }, 'files asked on the cheap tier');
  return found;
}

async function askMedia(fetcher: DocumentFetcher, file: RecordedFile, deadline: number): Promise<string | null> {
  const question = fileQuestion(file);
  const validators = question.method === 'GET' ? { etag: question.etag, lastModified: question.lastModified } : null;
  const answer = await fetcher.fetch(file.url, question.method, validators, 0, deadline);
  return fileChanged(file, question, answer && { status: answer.status, finalUrl: answer.finalUrl, length: answer.length });
}

/**
 * `gate` for every host but `pageHost`, whose slot the capture job asking the files already holds under its own
 * id: taking it again under another holder would wait for that very job.
 */
function pageHostExempt(gate: HostGate, pageHost: string): HostGate {
  return {
    acquire: (host, holder, leaseMs) => (host === pageHost ? Promise.resolve({ granted: true }) : gate.acquire(host, holder, leaseMs)),
    release: (host, holder) => (host === pageHost ? Promise.resolve() : gate.release(host, holder)),
    waits: () => gate.waits(),
  };
}
