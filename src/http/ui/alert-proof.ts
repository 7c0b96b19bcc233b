import type { RedirectHop } from '../../page-data/capture-result.ts';
import type { PageFacts } from '../../page-data/page-facts.ts';
import { removedThings, wantedFromAlert, type RemovedThing } from './removal-view.ts';
import { snippetPieces, type SnippetPiece } from './search-view.ts';
import { cutAtWord } from '../../detect/cut-at-word.ts';

/** Text shown as the page had it is cut here, at a word boundary: enough to read a paragraph, not a whole page. */
const SHOWN_CHARS = 700;

/** A snapshot the proof names, with when it was captured. */
export interface ProofSnapshot {
  id: number;
  startedAt: string;
}

/** What the alert page shows without a click: what went, where it was, and the captures that saw it go. */
export interface AlertProof {
  /** The sentences or paragraphs that went, as the page had them, the watched phrase marked. */
  texts: Array<{ label: string; pieces: SnippetPiece[] }>;
  /** Removed photos and videos, each from its stored copy when one was kept. */
  media: Array<{ kind: string; url: string; src: string | null; alt: string | null; caption: string | null; reason: string | null }>;
  /** Removed document links, each with its stored file when one was kept. */
  documents: Array<{ text: string; url: string; href: string | null; status: number | null; reason: string | null }>;
  /** For a page removal: what the page answered, where it redirected. */
  page: { signal: string | null; status: number | null; previousStatus: number | null; requestedUrl: string | null; finalUrl: string | null; redirects: RedirectHop[] } | null;
  /** The removed things outlined on the screenshots, when both snapshots have one and the things have boxes. */
  things: RemovedThing[];
  before: ProofSnapshot | null;
  after: ProofSnapshot | null;
  /** The captures that saw it gone: the first, and the one that confirmed it. */
  captures: Array<{ label: string; snapshot: ProofSnapshot }>;
}

export interface AlertProofInput {
  kind: string;
  evidence: Record<string, unknown>;
  /** The last snapshot with the thing and its facts (the evidence's `lastWithSnapshotId`). */
  before: (ProofSnapshot & { facts: PageFacts | null; hasScreenshot: boolean }) | null;
  /** The snapshot that raised the alert and its facts. */
  after: (ProofSnapshot & { facts: PageFacts | null; hasScreenshot: boolean }) | null;
  /** The first snapshot without it, when it is not the one that raised the alert. */
  firstWithout: ProofSnapshot | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const SHA256 = /^[0-9a-f]{64}$/;

/** `text` split into plain pieces and the places it says `phrase` (any case, any spacing): shown in `<mark>`. */
export function markPhrase(text: string, phrase: string | null): SnippetPiece[] {
  const words = (phrase ?? '').trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [{ text, mark: false }];
  const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'), 'giu');
  const spans = [...text.matchAll(pattern)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  return snippetPieces(text, spans);
}

function textsOf(kind: string, items: Array<Record<string, unknown>>): AlertProof['texts'] {
  return items.flatMap((item) => {
    if (kind === 'phrase_removed' && str(item.sentence)) {
      const part = str(item.part);
      const label = part === 'title' ? 'Title' : part === 'caption' ? 'Caption' : part === 'embed' ? 'Tweet' : 'Sentence';
      return [{ label, pieces: markPhrase(cutAtWord(str(item.sentence)!, SHOWN_CHARS), str(item.phrase)) }];
    }
    if (kind === 'content_removed' && str(item.text)) return [{ label: item.kind === 'heading' ? 'Heading' : 'Paragraph', pieces: [{ text: cutAtWord(str(item.text)!, SHOWN_CHARS), mark: false }] }];
    if (kind === 'embed_removed' && str(item.text)) return [{ label: 'Tweet', pieces: [{ text: cutAtWord(str(item.text)!, SHOWN_CHARS), mark: false }] }];
    return [];
  });
}

/**
 * The alert page's proof, from the alert's evidence and the two snapshots it names. Pure: the route loads the
 * snapshots and their facts, this decides what is shown. Stored copies are linked only under the snapshot that
 * kept them (the routes check the snapshot names the file).
 */
export function buildAlertProof(input: AlertProofInput): AlertProof {
  const { kind, evidence, before, after } = input;
  const items = Array.isArray(evidence.items) ? (evidence.items as Array<Record<string, unknown>>) : [];
  const stored = (sha: unknown, route: 'media' | 'documents'): string | null => {
    const s = str(sha);
    return before && s && SHA256.test(s) ? `/snapshots/${before.id}/${route}/${s}` : null;
  };
  const media = kind === 'media_removed'
    ? items.flatMap((i) => (str(i.url) ? [{ kind: str(i.kind) ?? 'image', url: str(i.url)!, src: stored(i.blobSha256, 'media'), alt: str(i.alt), caption: str(i.caption), reason: str(i.reason) }] : []))
    : [];
  const documents = kind === 'document_removed'
    ? items.flatMap((i) => (str(i.url) ? [{ text: str(i.text) ?? str(i.url)!, url: str(i.url)!, href: stored(i.sha256, 'documents'), status: num(i.status), reason: str(i.reason) }] : []))
    : [];
  const p = kind === 'page_removed' ? items[0] : undefined;
  const page = p
    ? {
        signal: str(p.signal),
        status: num(p.status),
        previousStatus: num(p.previousStatus),
        requestedUrl: str(p.requestedUrl),
        finalUrl: str(p.finalUrl),
        redirects: Array.isArray(p.redirects) ? (p.redirects as RedirectHop[]).filter((h) => typeof h?.url === 'string' && typeof h?.status === 'number') : [],
      }
    : null;
  const drawn = before?.hasScreenshot && after?.hasScreenshot;
  const things = drawn ? removedThings(wantedFromAlert(kind, items), before.facts, after.facts) : [];
  const captures: AlertProof['captures'] = [];
  if (input.firstWithout && input.firstWithout.id !== after?.id) captures.push({ label: 'First seen gone', snapshot: input.firstWithout });
  if (after) captures.push({ label: input.firstWithout && input.firstWithout.id !== after.id ? 'Confirmed' : 'Seen gone', snapshot: after });
  return {
    texts: textsOf(kind, items),
    media,
    documents,
    page,
    things,
    before: before ? { id: before.id, startedAt: before.startedAt } : null,
    after: after ? { id: after.id, startedAt: after.startedAt } : null,
    captures,
  };
}
