import type { Discovered, DiscoveredPage, ReadSpec } from '../discovered.ts';
import type { ReadIo } from './read-source.ts';
import { cdxDate, cdxTimestamp, LineSplitter, parseCdxLine, type CdxRow } from './cdx-lines.ts';
import { problem } from './problem.ts';

/** Rows asked for per answer; an answer that goes on past this is not obeying `limit` (or never ends). */
export const CDX_PAGE_ROWS = 5_000;
/** Most rows one read takes over all its answers. */
export const CDX_MAX_ROWS = 1_000_000;
/** Largest single answer (5,000 rows are well under 2 MB). */
export const CDX_ANSWER_MAX_BYTES = 16 * 1024 * 1024;
/** Longest line accepted (a URL is far shorter). */
const MAX_LINE = 16 * 1024;

/** Where a read stands across the answers of one prefix. */
interface CdxState {
  /** The newest row seen of the urlkey being read; yielded once a row of another urlkey (or the end) comes. */
  pending: CdxRow | null;
  rows: number;
  resumeKey: string | null;
  /** Set when reading must end: the problem to yield after the pending row. */
  stop: Discovered | null;
}

function cdxQuery(spec: ReadSpec, resumeKey: string | null): URLSearchParams {
  const q = new URLSearchParams({ url: spec.url, matchType: 'prefix' });
  q.append('filter', 'statuscode:200');
  q.append('filter', 'mimetype:text/html');
  // No `collapse=urlkey`: CDX keeps the OLDEST row of each urlkey when collapsing, and an archive target's baseline
  // must be its LATEST successful copy. Rows come sorted by urlkey then timestamp, so the last row of each urlkey
  // is its newest, which is the one yielded.
  q.set('fl', 'urlkey,timestamp,original');
  q.set('limit', String(CDX_PAGE_ROWS));
  q.set('showResumeKey', 'true');
  if (spec.since !== null) q.set('from', cdxTimestamp(spec.since));
  if (resumeKey !== null) q.set('resumeKey', resumeKey);
  return q;
}

function page(row: CdxRow): DiscoveredPage {
  return { type: 'page', url: row.original, lastmod: cdxDate(row.timestamp), archiveTimestamp: row.timestamp };
}

/**
 * Every URL the Wayback Machine archived under the prefix `spec.url` (successful HTML captures, from `spec.since`),
 * one page per URL with its newest capture, read from `io.cdxUrl` answer by answer (`resumeKey`) and line by line.
 */
export async function* readCdx(spec: ReadSpec, io: ReadIo): AsyncGenerator<Discovered> {
  const state: CdxState = { pending: null, rows: 0, resumeKey: null, stop: null };
  const keys = new Set<string>();
  for (let answer = 1; ; answer++) {
    if (Date.now() >= io.deadline) {
      state.stop = problem('timeout', io.cdxUrl, `the source's time limit passed after ${state.rows} archive rows; the pages found so far are kept`);
    } else {
      yield* readAnswer(spec, io, state);
    }
    if (state.stop === null && state.resumeKey !== null) {
      if (keys.has(state.resumeKey)) state.stop = problem('loop', io.cdxUrl, `the archive index gave the resume key "${state.resumeKey.slice(0, 100)}" twice; reading stopped there`);
      else {
        keys.add(state.resumeKey);
        continue;
      }
    }
    if (state.pending !== null) yield page(state.pending);
    if (state.stop !== null) yield state.stop;
    io.logger.debug({ prefix: spec.url, rows: state.rows, answers: answer }, 'archive index read');
    return;
  }
}

/** Reads one answer into `state`, yielding each urlkey's newest row as the next urlkey begins. */
async function* readAnswer(spec: ReadSpec, io: ReadIo, state: CdxState): AsyncGenerator<Discovered> {
  const url = `${io.cdxUrl}?${cdxQuery(spec, state.resumeKey).toString()}`;
  state.resumeKey = null;
  // The index is an API scrubwatch is configured to ask, not a site being discovered: robots.txt does not apply.
  const opened = await io.fetcher.open(url, { maxBytes: CDX_ANSWER_MAX_BYTES, accept: 'text/plain', deadline: io.deadline, robots: false });
  if (!opened.ok) {
    state.stop = opened.problem;
    return;
  }
  const { file } = opened;
  const lines = new LineSplitter(MAX_LINE);
  const decoder = new TextDecoder('utf-8');
  let rowsHere = 0;
  let blank = false;
  const take = (line: string): Discovered | null => {
    const parsed = parseCdxLine(line);
    if (parsed.type === 'blank') {
      blank = rowsHere > 0 || blank;
      return null;
    }
    if (parsed.type === 'other') {
      if (blank && state.resumeKey === null) {
        state.resumeKey = parsed.text;
        return null;
      }
      state.stop = problem('malformed', url, `not a CDX answer (line ${rowsHere + 1}: "${parsed.text.slice(0, 80)}"); check SCRUBWATCH_WAYBACK_CDX_URL`);
      return null;
    }
    rowsHere += 1;
    state.rows += 1;
    if (rowsHere > CDX_PAGE_ROWS || state.rows > CDX_MAX_ROWS) {
      const cap = rowsHere > CDX_PAGE_ROWS ? `one answer went on past the ${CDX_PAGE_ROWS} rows asked for` : `more than ${CDX_MAX_ROWS} rows in all`;
      state.stop = problem('too_many', url, `${cap}; reading stopped there and the pages found so far are kept`);
      return null;
    }
    const { row } = parsed;
    const pending = state.pending;
    if (pending !== null && pending.urlkey === row.urlkey) {
      if (row.timestamp >= pending.timestamp) state.pending = row;
      return null;
    }
    state.pending = row;
    return pending === null ? null : page(pending);
  };
  try {
    for await (const chunk of file.chunks()) {
      for (const line of lines.push(decoder.decode(chunk, { stream: true }))) {
        const found = take(line);
        if (found !== null) yield found;
        if (state.stop !== null) return;
      }
    }
    for (const line of lines.push(decoder.decode()).concat(lines.end())) {
      const found = take(line);
      if (found !== null) yield found;
      if (state.stop !== null) return;
    }
    if (file.stopped !== null) state.stop = file.stopped;
  } finally {
    await file.close();
  }
}
