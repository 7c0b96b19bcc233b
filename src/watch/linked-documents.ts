import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import type { Target } from '../db/targets.ts';
import type { Snapshot } from '../db/snapshots.ts';
import { captureRequestFor } from '../capture/capture-request.ts';
import { FACT_CAPS } from '../extract/caps.ts';
import { linkedDocuments } from '../extract/documents.ts';
import { fingerprint } from '../detect/snapshot-content.ts';
import type { CaptureResult, MediaFile } from '../page-data/capture-result.ts';
import type { DocumentCheck, PageFacts } from '../page-data/page-facts.ts';
import { askDocument, createDocumentFetcher, documentCheckOf } from '../capture/document-fetch.ts';

/** How long asking for one page's documents may take in all, beyond the capture itself. */
const DOCUMENTS_TIME_MS = 20_000;
/** How many single-file caps (SCRUBWATCH_MAX_MEDIA_BYTES) the documents read at one capture may add up to. */
const TOTAL_DOCUMENT_FILES_FACTOR = 5;

/**
 * Asks for the documents the captured page links from its main content (at most FACT_CAPS.documents of them,
 * within DOCUMENTS_TIME_MS and five single-file caps of bytes) and returns the capture with what they answered in
 * `facts.documents` and the files read in `documentFiles`, stored as blobs with the snapshot. A document asked
 * before is asked conditionally (its ETag, its Last-Modified), or, when it had neither, with a HEAD whose length is
 * compared: one that has not changed is not downloaded again, and its earlier answer (and stored file) is kept.
 * So is the earlier answer of a document that gave none now (unreachable, refused, out of time).
 */
export async function checkLinkedDocuments(
  ctx: Pick<Context, 'config' | 'hostGate'>,
  target: Target,
  result: CaptureResult,
  previousFacts: PageFacts | null,
  jobId: string,
  log: Logger,
): Promise<CaptureResult> {
  const documents = linkedDocuments(result.facts).slice(0, FACT_CAPS.documents);
  if (!result.facts || documents.length === 0) return result;
  const { limits } = captureRequestFor(target, ctx.config);
  const earlier = new Map((previousFacts?.documents ?? []).map((d) => [d.url, d]));
  const deadline = Date.now() + DOCUMENTS_TIME_MS;
  const fetcher = createDocumentFetcher(limits, ctx.hostGate, jobId, DOCUMENTS_TIME_MS);
  const checks: DocumentCheck[] = [];
  const files: MediaFile[] = [];
  let budget = limits.maxMediaBytes * TOTAL_DOCUMENT_FILES_FACTOR;
  try {
    for (const { url } of documents) {
      const before = earlier.get(url);
      const maxBytes = Math.min(limits.maxMediaBytes, budget);
      const answer = Date.now() < deadline ? await askDocument(fetcher, url, before, maxBytes, deadline) : null;
      if (answer === 'unchanged' || (answer === null && before)) {
        checks.push(before!);
        continue;
      }
      const check = answer === null ? unanswered(url) : documentCheckOf(url, answer);
      if (answer?.body) {
        budget -= answer.body.length;
        files.push({ url, contentType: answer.contentType, data: answer.body });
      }
      checks.push(check);
    }
  } finally {
    await fetcher.close();
  }
  log.debug({ documents: checks.length, read: files.length }, 'linked documents checked');
  return { ...result, facts: { ...result.facts, documents: checks }, documentFiles: files };
}

function unanswered(url: string): DocumentCheck {
  return { url, status: null, finalUrl: url, sha256: null, etag: null, lastModified: null, length: null };
}

/**
 * `previous` as the browser compares the page it reads (before any document is asked for): its fingerprint taken
 * without the documents' answers, so an unchanged page with documents still skips its screenshot and files.
 */
export function pageOnlySnapshot(previous: Snapshot, facts: PageFacts | null): Snapshot {
  if (!facts?.documents) return previous;
  const pageFacts: PageFacts = { ...facts };
  delete pageFacts.documents;
  const print = fingerprint({ status: previous.status, finalUrl: previous.finalUrl, errorCode: previous.error?.code ?? null, facts: pageFacts });
  return { ...previous, fingerprint: print };
}
