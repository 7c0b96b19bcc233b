import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { insertTarget, type Target } from '../../src/db/targets.ts';
import { saveCapture, type SavedCapture } from '../../src/watch/save-capture.ts';
import { targetOptionsSchema } from '../../src/targets/target-input.ts';
import { searchArchive, type SearchRequest, type SearchResult } from '../../src/search/search-archive.ts';
import type { Outcome } from '../../src/detect/outcome.ts';
import type { PageFacts } from '../../src/page-data/page-facts.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { ready } from './context-rig.ts';

/** What a page says, by the parts search reads: its title, paragraphs, photos and embedded tweets. */
export interface PageText {
  title?: string;
  paragraphs?: string[];
  photos?: Array<{ caption?: string | null; alt?: string | null }>;
  tweets?: Array<{ author?: string | null; text: string }>;
}

/** The facts a reader would have found on a page saying `text`. */
export function pageFacts(text: PageText): PageFacts {
  return {
    title: text.title ?? null,
    canonicalUrl: null,
    blocks: (text.paragraphs ?? []).map((p) => ({ kind: 'paragraph', text: p, main: true })),
    media: (text.photos ?? []).map((p, i) => ({ kind: 'image', url: `https://news.example/images/${i}.png`, alt: p.alt ?? null, caption: p.caption ?? null, loaded: true, status: 200 })),
    links: [],
    embeds: (text.tweets ?? []).map((t, i) => ({
      statusId: String(1000 + i), author: t.author ?? null, url: `https://twitter.com/i/status/${1000 + i}`, text: t.text, date: null, rendered: false,
    })),
  };
}

// What each outcome is captured as: the site's not-found page, a firewall's wall, a server error.
const ANSWERS: Record<Outcome, { status: number; signal: string; text: PageText | null }> = {
  ok: { status: 200, signal: 'ok', text: null },
  gone: { status: 404, signal: 'status_404', text: { title: 'Page not found', paragraphs: ['The page you asked for is not here.'] } },
  blocked: { status: 403, signal: 'waf_akamai', text: { title: 'Access Denied', paragraphs: ["You don't have permission to access this page."] } },
  error: { status: 503, signal: 'server_error', text: null },
};

/** A watched page whose captures a test writes through the real save path (saveCapture), one answer at a time. */
export interface SearchablePage {
  target: Target;
  /** Stores a capture started at `at`: the page saying `text`, or (`outcome` other than ok) gone, blocked or failed. */
  capture(at: string, text: PageText | null, options?: { outcome?: Outcome; archivedAt?: string }): Promise<SavedCapture>;
}

let job = 0;

/** Adds a target at `https://news.example<path>` and returns it with a way to store its captures. */
export async function searchablePage(pool: pg.Pool, path: string, options: { name?: string; tags?: string[] } = {}): Promise<SearchablePage> {
  const url = `https://news.example${path}`;
  const target = await insertTarget(pool, {
    kind: 'page', url, tweetId: null, name: options.name ?? null, tags: options.tags ?? [], schedule: { every: '6h' }, fetcher: 'http',
    options: targetOptionsSchema.parse({}),
  });
  if (!target) throw new Error(`a target at ${url} exists already`);
  return {
    target,
    async capture(at, text, { outcome = 'ok', archivedAt } = {}) {
      const answer = ANSWERS[outcome];
      const shown = outcome === 'ok' ? text : (text ?? answer.text);
      return saveCapture(pool, target, `search-${++job}`, {
        fetcher: 'http', requestedUrl: url, finalUrl: url, redirects: [], status: answer.status, headers: {}, startedAt: new Date(at), durationMs: 20,
        error: null, facts: shown ? pageFacts(shown) : null, html: null, text: null, screenshot: null, mediaFiles: [],
      }, {
        outcome: { outcome, signal: answer.signal, detail: String(answer.status) },
        hostNotFound: null,
        unreachableAfterMs: 86_400_000,
        maxRechecks: 3,
        // As in the test environment: the confirmation gap has tests of its own (test/jobs/confirm-gap.test.ts).
        confirmMinGapMs: 0,
        archive: archivedAt ? { archivedAt: new Date(archivedAt), archiveUrl: `https://web.archive.org/web/2019/${url}` } : undefined,
      });
    },
  };
}

/** Target ids a search finds, in the order it gives them. */
export async function foundIds(pool: pg.Pool, query: string, scope: SearchRequest['scope'] = 'now', narrowing: Partial<SearchRequest> = {}): Promise<number[]> {
  return (await search(pool, query, scope, narrowing)).items.map((i) => i.targetId);
}

/** One page of a search, at most 50 hits unless the test says otherwise. */
export function search(pool: pg.Pool, query: string, scope: SearchRequest['scope'] = 'now', narrowing: Partial<SearchRequest> = {}): Promise<SearchResult> {
  return searchArchive(pool, { query, scope, limit: 50, ...narrowing });
}

/** Gives the calling test file its own database, cloned from the migrated template, and drops it after. */
export function useSearchDatabase(): { readonly pool: pg.Pool } {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  return {
    get pool() {
      return ready(db, 'search database', 'pool').pool;
    },
  };
}
