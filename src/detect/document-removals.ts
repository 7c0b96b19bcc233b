import type { DocumentCheck, PageFacts } from '../page-data/page-facts.ts';
import { linkedDocuments } from '../extract/documents.ts';
import type { Finding } from './findings.ts';
import { genericRedirectReason, type HostNotFoundPage } from './generic-page.ts';

/** Statuses that say a document is gone, rather than failing for a while (5xx) or refused to scrubwatch (403). */
const GONE_STATUSES = new Set([404, 410]);

/** Whether a check saw the document answer: a 2xx after any redirects. */
const answered = (check: DocumentCheck | undefined): check is DocumentCheck => check !== undefined && check.status !== null && check.status >= 200 && check.status < 300;

function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** Why a document that answered at the baseline no longer does, or null while it still does (or nothing is known). */
function goneReason(check: DocumentCheck | undefined, hostNotFound: HostNotFoundPage | null): string | null {
  if (!check || check.status === null) return null;
  if (GONE_STATUSES.has(check.status)) return `status_${check.status}`;
  if (check.finalUrl === check.url || check.status >= 300) return null;
  // The page's host's not-found page says something only about documents on that host.
  const notFound = hostNotFound && hostOf(hostNotFound.requestedUrl) === hostOf(check.url) ? hostNotFound : null;
  return genericRedirectReason(check.url, check.finalUrl, notFound);
}

/**
 * `document_removed` findings: each document the baseline linked from its main content that the current capture no
 * longer links from it (`unlinked`), or still links but that answered at the baseline and now answers 404 or 410 or
 * redirects to a generic page (the reason says which). The item carries the link text, the URL, the file stored
 * while it answered (its SHA-256, or null when it never was) and the status now (null when unlinked, not asked).
 * Pure. A document only moved within the main content, or answering 5xx or 403, raises nothing.
 */
export function documentFindings(before: PageFacts, after: PageFacts, hostNotFound: HostNotFoundPage | null): Finding[] {
  const stillLinked = new Set(linkedDocuments(after).map((l) => l.url));
  const checkedBefore = new Map((before.documents ?? []).map((d) => [d.url, d]));
  const checkedNow = new Map((after.documents ?? []).map((d) => [d.url, d]));
  const findings: Finding[] = [];
  for (const link of linkedDocuments(before)) {
    const was = checkedBefore.get(link.url);
    const now = checkedNow.get(link.url);
    const reason = stillLinked.has(link.url) ? (answered(was) ? goneReason(now, hostNotFound) : null) : 'unlinked';
    if (reason === null) continue;
    findings.push({
      kind: 'document_removed',
      key: `document_removed:${link.url}`,
      item: { reason, url: link.url, text: link.text, sha256: was?.sha256 ?? null, status: reason === 'unlinked' ? null : (now?.status ?? null), finalUrl: now?.finalUrl ?? null },
    });
  }
  return findings;
}
