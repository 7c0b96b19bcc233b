import { performance } from 'node:perf_hooks';
import { withTransaction, type Pool } from '../../src/db/pool.ts';
import { getBlob, putBlob } from '../../src/db/blobs.ts';
import { findPreviousAnswered, insertSnapshot, type Snapshot } from '../../src/db/snapshots.ts';
import { lockTarget, requireTarget } from '../../src/db/targets.ts';
import { classifyOutcome } from '../../src/detect/outcome.ts';
import { fingerprint } from '../../src/detect/snapshot-content.ts';
import type { CaptureResult } from '../../src/page-data/capture-result.ts';
import type { PageFacts } from '../../src/page-data/page-facts.ts';
import { indexSnapshot } from '../../src/search/index-snapshot.ts';
import { saveCapture } from '../../src/watch/save-capture.ts';
import { paragraph } from './search-articles.ts';
import { seededRandom } from '../../test/helpers/seeded-random.ts';
import { spread, type Spread } from './search-measure.ts';

/** One kind of save (the page unchanged, or edited), timed three ways. */
export interface SaveFigure {
  kind: 'unchanged' | 'edited';
  /** The storing transaction (lock, previous snapshot, blob, snapshot row) with indexSnapshot in it. */
  withIndex: Spread;
  /** The same transaction without indexSnapshot. */
  withoutIndex: Spread;
  /** saveCapture itself (which always indexes): storing, diffing, judging and the watch state, in one transaction. */
  saveCapture: Spread;
}

/** Live pages of the built archive, spread over it, with the facts their latest snapshot read. */
async function livePages(pool: Pool, count: number): Promise<Array<{ targetId: number; facts: PageFacts }>> {
  const { rows } = await pool.query<{ target_id: number; facts_sha256: string }>(
    `select l.target_id, s.facts_sha256 from search_latest l join full_snapshots s on s.id = l.snapshot_id
     where not l.removed and s.facts_sha256 is not null order by l.target_id % 97, l.target_id limit $1`,
    [count],
  );
  const out = [];
  for (const r of rows) out.push({ targetId: Number(r.target_id), facts: JSON.parse((await getBlob(pool, r.facts_sha256))!.data.toString('utf8')) as PageFacts });
  return out;
}

function edited(facts: PageFacts, seed: number): PageFacts {
  const blocks = [...facts.blocks];
  blocks.splice(2, 0, { kind: 'paragraph', text: paragraph(seededRandom(seed), 80), main: true });
  return { ...facts, blocks };
}

/** Start times later than every snapshot the build stored, a second apart; the last one names the job. */
interface Clock {
  at: number;
}
const nextStart = (clock: Clock) => new Date((clock.at += 1_000));

/** The storing part of a save, in one transaction, with or without indexing the snapshot. */
async function store(pool: Pool, clock: Clock, targetId: number, facts: PageFacts, changed: boolean, index: boolean): Promise<number> {
  const started = performance.now();
  await withTransaction(pool, async (db) => {
    await lockTarget(db, targetId);
    const previous = (await findPreviousAnswered(db, targetId))!;
    const sha = changed ? await putBlob(db, { data: Buffer.from(JSON.stringify(facts), 'utf8'), mediaType: 'application/json' }) : previous.parts.facts;
    const url = previous.finalUrl;
    const snapshot: Snapshot = await insertSnapshot(db, {
      targetId, jobId: `bench-save-${clock.at}`, fetcher: 'http', requestedUrl: url, finalUrl: url, redirects: [], status: 200, headers: {}, error: null,
      outcome: { kind: 'ok', signal: 'ok' }, title: facts.title, canonicalUrl: facts.canonicalUrl, startedAt: nextStart(clock), durationMs: 300,
      fingerprint: fingerprint({ status: 200, finalUrl: url, errorCode: null, facts }),
      parts: { facts: sha, html: null, text: null, screenshot: null, raw: null },
      counts: { blocks: facts.blocks.length, media: facts.media.length, links: facts.links.length, embeds: facts.embeds.length },
    });
    if (index) await indexSnapshot(db, snapshot, facts);
  });
  return performance.now() - started;
}

/** The whole save path: saveCapture, as the capture job calls it, with a capture that read `facts`. */
async function save(pool: Pool, clock: Clock, targetId: number, facts: PageFacts, changed: boolean): Promise<number> {
  const target = await requireTarget(pool, targetId);
  const previous = (await findPreviousAnswered(pool, targetId))!;
  const url = previous.finalUrl;
  const captured: CaptureResult = {
    fetcher: 'http', requestedUrl: url, finalUrl: url, redirects: [], status: 200, headers: {}, startedAt: nextStart(clock), durationMs: 300,
    error: null, facts, html: null, text: null, screenshot: null, mediaFiles: [],
    ...(changed ? {} : { sameAs: previous.fingerprint }),
  };
  const outcome = classifyOutcome({ status: 200, errorCode: null, headers: {}, facts, finalUrl: url });
  const started = performance.now();
  await saveCapture(pool, target, `bench-capture-${clock.at}`, captured, { outcome, hostNotFound: null, unreachableAfterMs: 86_400_000, maxRechecks: 3, confirmMinGapMs: 0 });
  return performance.now() - started;
}

/**
 * The time a save spends indexing: `count` saves of each kind, interleaved with and without indexSnapshot so load on
 * the machine falls on both alike, and as many through saveCapture. Run after the queries: it adds snapshots.
 */
export async function saveTimes(pool: Pool, count: number): Promise<SaveFigure[]> {
  const pages = await livePages(pool, count);
  const clock: Clock = { at: Date.UTC(2030, 0, 1) };
  const out: SaveFigure[] = [];
  for (const kind of ['unchanged', 'edited'] as const) {
    const times = { withIndex: [] as number[], withoutIndex: [] as number[], saveCapture: [] as number[] };
    for (const [i, page] of pages.entries()) {
      const changed = kind === 'edited';
      const facts = (n: number) => (changed ? edited(page.facts, page.targetId * 10 + n) : page.facts);
      // Alternating which goes first keeps a warm cache from favouring one side.
      const first = i % 2 === 0;
      times[first ? 'withIndex' : 'withoutIndex'].push(await store(pool, clock, page.targetId, facts(1), changed, first));
      times[first ? 'withoutIndex' : 'withIndex'].push(await store(pool, clock, page.targetId, facts(2), changed, !first));
      times.saveCapture.push(await save(pool, clock, page.targetId, facts(3), changed));
    }
    out.push({ kind, withIndex: spread(times.withIndex), withoutIndex: spread(times.withoutIndex), saveCapture: spread(times.saveCapture) });
  }
  return out;
}
