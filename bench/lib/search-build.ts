import { performance } from 'node:perf_hooks';
import { withTransaction, type Pool } from '../../src/db/pool.ts';
import { putBlob } from '../../src/db/blobs.ts';
import { insertSnapshot, type NewSnapshot, type Snapshot } from '../../src/db/snapshots.ts';
import { insertTargets } from '../../src/db/targets.ts';
import { fingerprint } from '../../src/detect/snapshot-content.ts';
import type { PageFacts } from '../../src/page-data/page-facts.ts';
import { indexSnapshot } from '../../src/search/index-snapshot.ts';
import { targetOptionsSchema } from '../../src/targets/target-input.ts';
import { article, articleFacts, paragraph, type Article } from './search-articles.ts';
import { seededRandom } from '../../test/helpers/seeded-random.ts';

/** The archive to build: targets × snapshots each, articles of about `words` words, `concurrency` targets at once. */
export interface BuildSizes {
  targets: number;
  snapshots: number;
  words: number;
  concurrency: number;
}

/** Each snapshot's indexSnapshot call, in ms, by what it indexed. */
export interface IndexTimes {
  /** The page read differently from its last snapshot: a text the index had not seen (a tsvector computed). */
  newText: number[];
  /** The page read as before: a primary-key probe, the sighting moved forward, the latest answer replaced. */
  sameText: number[];
  /** The page answered 404: no text, the latest answer marked removed. */
  gone: number[];
}

export interface BuildFigures {
  seconds: number;
  snapshots: number;
  index: IndexTimes;
  /** Pages mentioning the name; of them, those whose paragraph naming him was cut (the page lives). */
  mentioning: number;
  mentionCut: number;
  /** Pages that answered 404 from some capture on. */
  removed: number;
  /** Captures that read differently from the one before (an edit or the mention cut). */
  edits: number;
}

/** Share of pages naming the name, of pages removed, and of re-captures that find the page edited. */
const MENTION_SHARE = 0.02;
const REMOVED_SHARE = 0.03;
const EDIT_SHARE = 0.03;
const HOURS_BETWEEN = 6;
const START = Date.UTC(2025, 0, 1);

/** The URL of the build's t-th page: a hundred sites, one article each. */
export const benchUrl = (t: number) => `https://site-${t % 100}.bench.example/news/${t}-report`;

/** Inserts the targets (a thousand per statement): target t of the build is the t-th id returned. */
async function insertBenchTargets(pool: Pool, count: number): Promise<number[]> {
  const options = targetOptionsSchema.parse({});
  const ids: number[] = [];
  for (let from = 0; from < count; from += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, count - from) }, (_, i) => ({
      kind: 'page' as const, url: benchUrl(from + i), tweetId: null, name: null, tags: ['bench', `site-${(from + i) % 100}`],
      schedule: { every: '6h' }, fetcher: 'http' as const, options,
    }));
    ids.push(...(await insertTargets(pool, batch)).map((t) => t.id));
  }
  return ids;
}

/** What one page's captures find, decided up front from its seed: when it is removed, edited, when the mention goes. */
interface Churn {
  removedAt: number | null;
  mentionCutAt: number | null;
}

/** An edit as sites make them: a paragraph cut, or one added (never the one naming the name: that has its own cut). */
function edit(a: Article, next: () => number): Article {
  const paragraphs = [...a.paragraphs];
  let mention = a.mention;
  const at = 1 + Math.floor(next() * (paragraphs.length - 1));
  if (next() < 0.5 && paragraphs.length > 2 && at !== mention) {
    paragraphs.splice(at, 1);
    if (mention !== null && at < mention) mention -= 1;
  } else {
    paragraphs.splice(at, 0, paragraph(next, 40 + Math.floor(next() * 80)));
    if (mention !== null && at <= mention) mention += 1;
  }
  return { ...a, paragraphs, mention };
}

function cutMention(a: Article): Article {
  return { ...a, paragraphs: a.paragraphs.filter((_, i) => i !== a.mention), mention: null };
}

/** What a capture read: the page's facts, their blob and fingerprint (computed once per version), or a 404. */
interface Reading {
  facts: PageFacts;
  sha: string;
  print: string;
}

function snapshotRow(targetId: number, t: number, k: number, url: string, reading: Reading | null): NewSnapshot {
  const facts = reading?.facts ?? null;
  const status = facts ? 200 : 404;
  return {
    targetId, jobId: `bench-${t}-${k}`, fetcher: 'http', requestedUrl: url, finalUrl: url, redirects: [], status, headers: {}, error: null,
    outcome: facts ? { kind: 'ok', signal: 'ok' } : { kind: 'gone', signal: 'status_404' },
    title: facts?.title ?? null, canonicalUrl: facts?.canonicalUrl ?? null,
    startedAt: new Date(START + k * HOURS_BETWEEN * 3_600_000 + t * 1_000), durationMs: 300,
    fingerprint: reading?.print ?? fingerprint({ status, finalUrl: url, errorCode: null, facts: null }),
    parts: { facts: reading?.sha ?? null, html: null, text: null, screenshot: null, raw: null },
    counts: { blocks: facts?.blocks.length ?? 0, media: facts?.media.length ?? 0, links: facts?.links.length ?? 0, embeds: facts?.embeds.length ?? 0 },
  };
}

/**
 * Saves one page's snapshots in one transaction, as saveCapture stores them: a changed page's facts as a new blob, an
 * unchanged one pointing at the previous blob, a removed one with no facts; each indexed by indexSnapshot, timed.
 */
async function buildPage(pool: Pool, targetId: number, t: number, sizes: BuildSizes, figures: BuildFigures): Promise<void> {
  const times = figures.index;
  const next = seededRandom(0x5eed + t);
  const mentions = next() < MENTION_SHARE;
  const churn: Churn = {
    removedAt: next() < REMOVED_SHARE ? 1 + Math.floor(next() * (sizes.snapshots - 1)) : null,
    mentionCutAt: mentions && next() < 0.5 ? 1 + Math.floor(next() * (sizes.snapshots - 1)) : null,
  };
  if (mentions) figures.mentioning += 1;
  if (churn.removedAt !== null) figures.removed += 1;
  if (churn.mentionCutAt !== null && (churn.removedAt === null || churn.mentionCutAt < churn.removedAt)) figures.mentionCut += 1;
  const url = benchUrl(t);
  let current = article(t, sizes.words, mentions);
  let reading: Reading | null = null;
  await withTransaction(pool, async (db) => {
    for (let k = 0; k < sizes.snapshots; k++) {
      const gone = churn.removedAt !== null && k >= churn.removedAt;
      let changed = k === 0;
      if (!gone && k > 0 && next() < EDIT_SHARE) {
        current = edit(current, next);
        changed = true;
      }
      if (!gone && k === churn.mentionCutAt) {
        current = cutMention(current);
        changed = true;
      }
      if (changed && k > 0) figures.edits += 1;
      if (!gone && changed) {
        const facts = articleFacts(current, url);
        const sha = await putBlob(db, { data: Buffer.from(JSON.stringify(facts), 'utf8'), mediaType: 'application/json' });
        reading = { facts, sha, print: fingerprint({ status: 200, finalUrl: url, errorCode: null, facts }) };
      }
      const snapshot: Snapshot = await insertSnapshot(db, snapshotRow(targetId, t, k, url, gone ? null : reading));
      const started = performance.now();
      await indexSnapshot(db, snapshot, gone ? null : (reading?.facts ?? null));
      (gone ? times.gone : changed ? times.newText : times.sameText).push(performance.now() - started);
      figures.snapshots += 1;
    }
  });
}

/**
 * Builds the archive through the real store and index (insertSnapshot, putBlob, indexSnapshot), one transaction per
 * page so the build is not a round trip per statement; `concurrency` pages at once.
 */
export async function buildArchive(pool: Pool, sizes: BuildSizes, progress: (done: number) => void): Promise<BuildFigures> {
  const started = performance.now();
  const ids = await insertBenchTargets(pool, sizes.targets);
  const figures: BuildFigures = { seconds: 0, snapshots: 0, index: { newText: [], sameText: [], gone: [] }, mentioning: 0, mentionCut: 0, removed: 0, edits: 0 };
  let nextPage = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: sizes.concurrency }, async () => {
      while (nextPage < ids.length) {
        const t = nextPage++;
        await buildPage(pool, ids[t]!, t, sizes, figures);
        if (++done % 500 === 0) progress(done);
      }
    }),
  );
  figures.seconds = (performance.now() - started) / 1000;
  return figures;
}
