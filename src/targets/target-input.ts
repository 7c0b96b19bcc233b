import { z } from 'zod';
import { InvalidInputError } from '../errors/index.ts';
import { parseInput } from '../invalid-input.ts';
import { operatorText } from '../operator-text.ts';
import { normalizeUrl } from '../capture/url-policy.ts';
import { validateSchedule } from '../target-model/schedule.ts';
import { FETCHERS } from '../target-model/fetchers.ts';
import { DEFAULT_FULL_EVERY, targetOptionsSchema } from '../target-model/target-options.ts';
import type { NewTarget } from '../target-model/new-target.ts';
import { canonicalTweetUrl, parseTweetUrl } from '../tweets/tweet-url.ts';

export { targetOptionsSchema, type TargetOptions } from '../target-model/target-options.ts';
export type { NewTarget } from '../target-model/new-target.ts';

/** One tag: what lists, alerts and subscriptions filter on. */
export const tagSchema = z.string().trim().regex(/^[\p{L}\p{N}_.:/-]{1,64}$/u, 'must be 1-64 letters, digits or _ . : / -');

/** A target's tags. */
export const tagsSchema = z.array(tagSchema).max(50);

/** What adding a target takes (the CLI's flags, the API's body). */
export const newTargetSchema = z.object({
  url: z.string().min(1, 'url is required'),
  name: operatorText(z.string().trim().min(1).max(300)).optional(),
  tags: tagsSchema.default([]),
  every: z.string().max(20, 'is too long; write a duration like 30m, 6h or 1d').optional(),
  cron: z.string().max(200, 'is too long; write a 5-field pattern like "0 */6 * * *"').optional(),
  fetcher: z.enum(FETCHERS).default('browser'),
  options: targetOptionsSchema.default({ ignore: [], phrases: [], confirm: 2, notFound: [], watchEmbeds: true, archive: false, fullEvery: DEFAULT_FULL_EVERY }),
});
export type NewTargetInput = z.input<typeof newTargetSchema>;

/** Runs a check whose InvalidInputError should say which field it is about, as every other one here does. */
function withField<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof InvalidInputError && !err.message.startsWith(`${field}: `)) throw new InvalidInputError(field, `${field}: ${err.message}`);
    throw err;
  }
}

/**
 * Validates what an operator typed (or a file held) into a NewTarget. Throws InvalidInputError naming the field,
 * with the reason and what to write instead. Address policy (private networks) is checked separately, since it
 * needs DNS.
 */
export function parseNewTarget(input: NewTargetInput, defaultEvery: string): NewTarget {
  const v = parseInput(newTargetSchema, input);
  if (v.every !== undefined && v.cron !== undefined) {
    throw new InvalidInputError('schedule', 'give either --every or --cron, not both');
  }
  const schedule = validateSchedule(v.cron !== undefined ? { cron: v.cron } : { every: v.every ?? defaultEvery });
  const url = withField('url', () => normalizeUrl(v.url));
  const tweet = parseTweetUrl(url);
  return {
    kind: tweet ? 'tweet' : 'page',
    url: tweet ? canonicalTweetUrl(tweet.id) : url,
    tweetId: tweet?.id ?? null,
    name: v.name ?? null,
    tags: [...new Set(v.tags)],
    schedule,
    fetcher: v.fetcher,
    options: v.options,
  };
}
