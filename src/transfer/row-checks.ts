import { normalizeUrl } from '../capture/url-policy.ts';
import { InvalidInputError } from '../errors/index.ts';
import { parseNewTarget, type NewTarget, type NewTargetInput } from '../targets/target-input.ts';
import { blobRowProblem } from './blob-row.ts';

/** The value of `check`, or the message of the InvalidInputError it threw (anything else is thrown on). */
function validated<T>(check: () => T): { value: T } | { problem: string } {
  try {
    return { value: check() };
  } catch (err) {
    if (err instanceof InvalidInputError) return { problem: err.message };
    throw err;
  }
}

/**
 * What is wrong with a targets row, or null. An import stores rows as they come, so each target passes the one
 * validation every target passes when it is added (parseNewTarget: http(s) only, no credentials, its name, tags,
 * schedule, fetcher and options), in the form that validation stores: an edited file cannot plant a `file:` or
 * `view-source:` target for a capture to read.
 */
function targetRowProblem(row: Record<string, unknown>): string | null {
  const what = `target ${String(row.id)}`;
  if (row.schedule_every === null && row.schedule_cron === null) return `${what}: it has no schedule`;
  const input = {
    url: row.url,
    name: row.name ?? undefined,
    tags: row.tags,
    every: row.schedule_every ?? undefined,
    cron: row.schedule_cron ?? undefined,
    fetcher: row.fetcher,
    options: row.options,
  } as NewTargetInput;
  const parsed = validated((): NewTarget => parseNewTarget(input, '6h'));
  if ('problem' in parsed) return `${what}: ${parsed.problem}`;
  const target = parsed.value;
  // Exports made before tweets existed have no kind or tweet_id: those rows take the defaults, page and none.
  if (target.url === row.url && target.kind === (row.kind ?? 'page') && target.tweetId === (row.tweet_id ?? null)) return null;
  return `${what}: ${String(row.url).slice(0, 200)} (${String(row.kind)}) is not in the form scrubwatch stores (${target.url}, ${target.kind}): the file was edited`;
}

/** What is wrong with a stored URL (`what` names it), or null: it passes normalizeUrl and is in the form it stores. */
function urlProblem(what: string, url: unknown): string | null {
  const parsed = validated(() => normalizeUrl(String(url)));
  if ('problem' in parsed) return `${what}: ${parsed.problem}`;
  return parsed.value === url ? null : `${what}: ${String(url).slice(0, 200)} is not in the form scrubwatch stores: the file was edited`;
}

/** What is wrong with a subscriptions row, or null: its webhook URL passes the check every webhook URL passes. */
function subscriptionRowProblem(row: Record<string, unknown>): string | null {
  if (row.webhook_url === null || row.webhook_url === undefined) return null;
  return urlProblem(`subscription ${String(row.id)}: webhook_url`, row.webhook_url);
}

/**
 * What is wrong with a sources row, or null: its URL — which discovery reads — passes the check every source URL
 * passes when it is added. A snapshots row's archive_url is a link, shown only when it is a web URL.
 */
function sourceRowProblem(row: Record<string, unknown>): string | null {
  return urlProblem(`source ${String(row.id)}: url`, row.url);
}

const CHECKS: Partial<Record<string, (row: Record<string, unknown>) => string | null>> = {
  blobs: blobRowProblem,
  targets: targetRowProblem,
  subscriptions: subscriptionRowProblem,
  sources: sourceRowProblem,
};

/**
 * What is wrong with one row of an export's `table`, or null: blobs must hash to their address, and the URLs
 * scrubwatch will load or post to must pass the checks they passed when they were added.
 */
export function rowProblem(table: string, row: Record<string, unknown>): string | null {
  return CHECKS[table]?.(row) ?? null;
}
