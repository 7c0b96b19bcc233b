import type pg from 'pg';
import type { CaptureResult } from '../page-data/capture-result.ts';
import type { PageFacts } from '../page-data/page-facts.ts';
import { CheapCheckOutdatedError, NotFoundError } from '../errors/index.ts';
import type { CheckTier, EscalationReason } from '../tiers/escalation.ts';
import { withTransaction, type Queryable } from '../db/pool.ts';
import { getBlob, putBlob } from '../db/blobs.ts';
import {
  findPreviousAnswered,
  findSnapshotByJob,
  getSnapshot,
  hasCaptureStartedAfter,
  insertSnapshot,
  type NewSnapshot,
  type Snapshot,
} from '../db/snapshots.ts';
import { getChangeForSnapshot, insertChange, type Change } from '../db/changes.ts';
import { listAlerts, type Alert } from '../db/alerts.ts';
import { raiseAlert } from './raise-alert.ts';
import { storeRecording } from './store-recording.ts';
import { namesDelisting, withSourceEvidence } from './alert-evidence.ts';
import { findDelisting } from '../db/source-screening.ts';
import { getWatchState, putWatchState } from '../db/target-states.ts';
import { lockTarget, type Target } from '../db/targets.ts';
import { diffSnapshots } from '../detect/diff-snapshots.ts';
import { classifyCapture, type ClassifyInput, type ComparedSnapshot } from '../detect/classify.ts';
import { advance, INITIAL_STATE, type Lifecycle } from '../detect/lifecycle.ts';
import type { ClassifiedOutcome } from '../detect/outcome.ts';
import type { HostNotFoundPage } from '../detect/generic-page.ts';
import { fingerprint, type SnapshotContent } from '../detect/snapshot-content.ts';
import { capCapture, cutText, FACT_CAPS } from '../extract/caps.ts';
import { indexSnapshot } from '../search/index-snapshot.ts';
import { savedSearchFindings } from '../search/saved-search-findings.ts';

/** What one capture left in the store: its snapshot, how it differs from the last, and what was raised. */
export interface SavedCapture {
  snapshot: Snapshot;
  change: Change | null;
  alerts: Alert[];
  /** True when the job had already saved this capture (a retry or a redelivery) and nothing new was written. */
  replayed: boolean;
  /** Where the target stands after this capture. */
  lifecycle: Lifecycle | null;
  /** Whether a removal is suspected and a confirming capture should follow soon. */
  recheck: boolean;
  /** With `recheck`: before when a capture cannot confirm the suspicion (its minimum gap), else null. */
  confirmableAt: Date | null;
  /**
   * True when a capture that began later was saved first (two in flight for one target): this one is kept as
   * evidence, but neither compared nor judged, so an older view of the page never overrides a newer one.
   */
  late: boolean;
}

/** How a capture is judged, decided outside the transaction (the outcome, the host's not-found page). */
export interface Judgement {
  outcome: ClassifiedOutcome;
  hostNotFound: HostNotFoundPage | null;
  /** For a tweet: the watched pages that embed it. */
  embeddedIn?: ClassifyInput['embeddedIn'];
  /**
   * For a tweet: the latest snapshot of a watched page that showed it embedded (findEmbedSighting). A tweet whose
   * first verdict this is takes that snapshot as its baseline — the embed is evidence the tweet existed — so a
   * tweet deleted before its first probe is judged like one seen up.
   */
  seenInEmbedSnapshotId?: number | null;
  unreachableAfterMs: number;
  maxRechecks: number;
  /** Least time from a removal's first sighting to the capture that confirms it (config `confirmMinGapMs`). */
  confirmMinGapMs: number;
  /**
   * Set when the capture is an archived copy (the Wayback Machine's, read as the page): stored with origin
   * `archive`, it raises nothing and, when it is `ok`, becomes the target's baseline.
   */
  archive?: { archivedAt: Date; archiveUrl: string } | undefined;
  /**
   * Which tier answered the check and why it went to the browser (docs/checking-tiers.md); absent: a full capture
   * nobody chose a tier for. A `cheap` check is only ever stored as unchanged: one whose snapshot is no longer the
   * last answered throws CheapCheckOutdatedError rather than being stored otherwise.
   */
  tier?: { tier: CheckTier; escalation: EscalationReason | null } | undefined;
}

/** The page facts stored under `sha` (a snapshot's `parts.facts`); null when there are none. */
export async function loadFacts(db: Queryable, sha: string | null): Promise<PageFacts | null> {
  if (!sha) return null;
  const blob = await getBlob(db, sha);
  return blob ? (JSON.parse(blob.data.toString('utf8')) as PageFacts) : null;
}

const answered = (s: Snapshot) => s.outcome === null || s.outcome.kind === 'ok' || s.outcome.kind === 'gone';

function contentOf(s: { status: number | null; finalUrl: string; error: CaptureResult['error'] }, facts: PageFacts | null): SnapshotContent {
  return { status: s.status, finalUrl: s.finalUrl, errorCode: s.error?.code ?? null, facts };
}

function view(s: Snapshot, facts: PageFacts | null): ComparedSnapshot {
  return { id: s.id, status: s.status, requestedUrl: s.requestedUrl, finalUrl: s.finalUrl, redirects: s.redirects, facts };
}

/** What a job already saved, if it did: how a retried or redelivered job stays idempotent. */
export async function findSavedCapture(db: Queryable, targetId: number, jobId: string): Promise<SavedCapture | null> {
  const snapshot = await findSnapshotByJob(db, targetId, jobId);
  if (!snapshot) return null;
  const change = await getChangeForSnapshot(db, snapshot.id);
  const state = await getWatchState(db, targetId);
  return { snapshot, change, alerts: await listAlerts(db, { snapshotId: snapshot.id }), replayed: true, lifecycle: state?.lifecycle ?? null, recheck: false, confirmableAt: null, late: false };
}

/**
 * Stores the capture's parts as blobs and its metadata as a snapshot row. A capture that read exactly as the
 * previous snapshot (`sameAs`, confirmed against that snapshot's fingerprint) writes only its row, pointing at the
 * previous snapshot's parts: an unchanged check costs one row, not another copy of the evidence.
 */
async function storeSnapshot(
  db: pg.PoolClient,
  targetId: number,
  jobId: string,
  result: CaptureResult,
  verdict: ClassifiedOutcome,
  previous: Snapshot | null,
  judgement: Pick<Judgement, 'archive' | 'tier'>,
): Promise<{ snapshot: Snapshot; facts: PageFacts | null }> {
  const { archive } = judgement;
  const tier = judgement.tier ?? {};
  if (result.sameAs !== undefined && previous?.fingerprint === result.sameAs && result.facts) {
    const print = fingerprint(contentOf(result, result.facts));
    const facts = print === previous.fingerprint ? await loadFacts(db, previous.parts.facts) : null;
    if (facts) return { snapshot: await insertSnapshot(db, { ...snapshotRow(targetId, jobId, result, verdict, facts, print, previous.parts), archive, ...tier }), facts };
  }
  if (judgement.tier?.tier === 'cheap') throw new CheapCheckOutdatedError(targetId);
  const facts = result.facts ? structuredClone(result.facts) : null;
  if (facts) {
    const shaByUrl = new Map<string, string>();
    const pictureByUrl = new Map<string, string>();
    for (const file of result.mediaFiles) {
      shaByUrl.set(file.url, await putBlob(db, { data: file.data, mediaType: file.contentType ?? 'application/octet-stream' }));
      if (file.perceptualHash) pictureByUrl.set(file.url, file.perceptualHash);
    }
    for (const m of facts.media) {
      // A photo not read this time keeps the file an earlier capture stored (an unchanged page's photos).
      m.sha256 = shaByUrl.get(m.url) ?? m.sha256 ?? null;
      m.perceptualHash = pictureByUrl.get(m.url) ?? m.perceptualHash ?? null;
    }
    // Their SHA-256 is already in facts.documents, computed when they were read.
    for (const file of result.documentFiles ?? []) await putBlob(db, { data: file.data, mediaType: file.contentType ?? 'application/octet-stream' });
  }
  const put = (data: string | Buffer | null, mediaType: string) =>
    data === null ? Promise.resolve(null) : putBlob(db, { data: Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'), mediaType });
  const parts: Snapshot['parts'] = {
    facts: facts ? await put(JSON.stringify(facts), 'application/json') : null,
    html: await put(result.html, 'text/html; charset=utf-8'),
    text: await put(result.text, 'text/plain; charset=utf-8'),
    screenshot: await put(result.screenshot, 'image/png'),
    raw: result.raw ? await put(result.raw.data, result.raw.mediaType) : null,
  };
  const snapshot = await insertSnapshot(db, { ...snapshotRow(targetId, jobId, result, verdict, facts, fingerprint(contentOf(result, facts)), parts), archive, ...tier });
  return { snapshot, facts };
}

function snapshotRow(
  targetId: number,
  jobId: string,
  result: CaptureResult,
  verdict: ClassifiedOutcome,
  facts: PageFacts | null,
  print: string,
  parts: Snapshot['parts'],
): NewSnapshot {
  return {
    targetId,
    jobId,
    fetcher: result.fetcher,
    requestedUrl: result.requestedUrl,
    finalUrl: result.finalUrl,
    redirects: result.redirects,
    status: result.status,
    headers: result.headers,
    error: result.error,
    outcome: { kind: verdict.outcome, signal: verdict.signal },
    // Facts may be an earlier snapshot's, stored before the caps existed.
    title: facts?.title == null ? null : cutText(facts.title, FACT_CAPS.title),
    canonicalUrl: facts?.canonicalUrl == null ? null : cutText(facts.canonicalUrl, FACT_CAPS.url),
    startedAt: result.startedAt,
    durationMs: Math.round(result.durationMs),
    fingerprint: print,
    parts,
    counts: {
      blocks: facts?.blocks.length ?? 0,
      media: facts?.media.length ?? 0,
      links: facts?.links.length ?? 0,
      embeds: facts?.embeds.length ?? 0,
    },
  };
}

/**
 * Stores a capture as a snapshot; records its change against the last snapshot in which the site answered;
 * judges it against the target's baseline and advances the target's watch state, raising the alerts that
 * become due — all in one transaction, so a crash leaves everything or nothing. Idempotent per job. What the page
 * controls is stored within the caps of caps.ts, whichever source the capture came from.
 */
export async function saveCapture(
  pool: pg.Pool,
  target: Target,
  jobId: string,
  captured: CaptureResult,
  judgement: Judgement,
): Promise<SavedCapture> {
  const result = capCapture(captured);
  return withTransaction(pool, async (db) => {
    // Serialises saves per target, so two captures in flight never judge against the same state.
    if (!(await lockTarget(db, target.id))) throw new NotFoundError('target', target.id);
    const existing = await findSavedCapture(db, target.id, jobId);
    if (existing) return existing;

    // Read again under the lock, not taken from the caller's read before capturing: another capture of the target
    // (`check --inline` beside a worker) may have been saved meanwhile, and judging against it is what keeps two
    // in flight from raising the same change twice.
    const previous = await findPreviousAnswered(db, target.id);
    const state = (await getWatchState(db, target.id)) ?? {
      ...INITIAL_STATE,
      // Targets captured before watch states existed start from their last live snapshot; a tweet never yet judged,
      // from the page snapshot that showed it embedded.
      baselineSnapshotId: previous && previous.status !== null && previous.status < 300 ? previous.id : (judgement.seenInEmbedSnapshotId ?? null),
    };
    const late = await hasCaptureStartedAfter(db, target.id, result.startedAt);
    const { snapshot, facts } = await storeSnapshot(db, target.id, jobId, result, judgement.outcome, previous, judgement);
    await storeRecording(db, snapshot, previous, result.recording);
    // Searchable from the moment it is stored: indexed in the same transaction, so search never misses a snapshot.
    const textSha = await indexSnapshot(db, snapshot, facts);
    if (late) return { snapshot, change: null, alerts: [], replayed: false, lifecycle: state.lifecycle, recheck: false, confirmableAt: null, late };
    const sawPage = answered(snapshot);
    const content = contentOf(result, sawPage ? facts : null);

    let change: Change | null = null;
    let previousFacts: PageFacts | null = null;
    if (previous) {
      previousFacts = previous.fingerprint === snapshot.fingerprint ? facts : await loadFacts(db, previous.parts.facts);
      const record = diffSnapshots(contentOf(previous, answered(previous) ? previousFacts : null), content);
      change = await insertChange(db, { targetId: target.id, snapshotId: snapshot.id, previousSnapshotId: previous.id, record });
    }
    if (judgement.archive) {
      // The Internet Archive's copy is what the page said then, not a sighting of it now: it is the baseline a
      // first (or screening) capture is judged against when it is ok, and otherwise kept as evidence only.
      const lifecycle = snapshot.outcome?.kind === 'ok' ? 'live' : state.lifecycle;
      if (snapshot.outcome?.kind === 'ok') await putWatchState(db, target.id, { ...INITIAL_STATE, baselineSnapshotId: snapshot.id });
      return { snapshot, change, alerts: [], replayed: false, lifecycle, recheck: false, confirmableAt: null, late };
    }

    const baselineSnapshot = state.baselineSnapshotId === null ? null : await getSnapshot(db, state.baselineSnapshotId);
    const baselineFacts = baselineSnapshot
      ? baselineSnapshot.id === previous?.id ? previousFacts : await loadFacts(db, baselineSnapshot.parts.facts)
      : null;
    const classified = classifyCapture({
      baseline: baselineSnapshot ? view(baselineSnapshot, baselineFacts) : null,
      current: view(snapshot, sawPage ? facts : null),
      outcome: judgement.outcome,
      hostNotFound: judgement.hostNotFound,
      phrases: target.options.phrases,
      targetKind: target.kind,
      tweetId: target.tweetId,
      embeddedIn: judgement.embeddedIn,
    });
    // Saved searches watch every page they apply to, as if each had the query as its own phrase.
    const baseline = baselineSnapshot ? { snapshot: baselineSnapshot, facts: baselineFacts } : null;
    const findings = [
      ...classified,
      ...(await savedSearchFindings(db, { target, lifecycle: state.lifecycle, baseline, current: { snapshot, textSha }, classified })),
    ];
    const step = advance(state, {
      snapshotId: snapshot.id,
      capturedAt: result.startedAt,
      outcome: judgement.outcome.outcome,
      findings,
      confirm: target.options.confirm,
      confirmMinGapMs: judgement.confirmMinGapMs,
      unreachableAfterMs: judgement.unreachableAfterMs,
      maxRechecks: judgement.maxRechecks,
    });
    const nextState = step.acceptBaseline ? { ...step.state, baselineSnapshotId: snapshot.id } : step.state;
    await putWatchState(db, target.id, nextState);
    const alerts: Alert[] = [];
    const delisting = step.alerts.some(namesDelisting) ? await findDelisting(db, target.id) : null;
    for (const draft of step.alerts) {
      const evidence = withSourceEvidence(draft, baselineSnapshot, delisting);
      alerts.push(await raiseAlert(db, { ...draft, evidence, targetId: target.id, snapshotId: snapshot.id, changeId: change?.id ?? null }));
    }
    return { snapshot, change, alerts, replayed: false, lifecycle: nextState.lifecycle, recheck: step.recheck, confirmableAt: step.confirmableAt, late };
  });
}
