import { z } from 'zod';
import { InvalidInputError } from '../errors/index.ts';
import { parseInput } from '../invalid-input.ts';
import { operatorText, storableText } from '../operator-text.ts';
import { normalizeUrl } from '../capture/url-policy.ts';
import { validateSchedule, type Schedule } from './schedule.ts';
import { FETCHERS, type Fetcher } from './fetchers.ts';
import { canonicalTweetUrl, parseTweetUrl } from '../tweets/tweet-url.ts';
import { operatorPatternProblem } from '../detect/operator-patterns.ts';

/** An operator's not-found pattern: operator text that RE2 can run in linear time. */
const operatorPattern = operatorText(z.string().min(1).max(300)).superRefine((p, ctx) => {
  const problem = operatorPatternProblem(p);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * Per-target capture and detection options, stored as JSON on the target: `text` checks each text option and
 * `pattern` each not-found pattern (see targetOptionsSchema and storedTargetOptionsSchema).
 */
const optionsShape = (text: (schema: z.ZodString) => z.ZodString, pattern: z.ZodType<string>) => ({
  /** CSS selector to wait for before reading the page. */
  waitFor: text(z.string().trim().min(1).max(500)).optional(),
  /** CSS selectors whose elements are left out of every comparison (ads, view counters, clocks). */
  ignore: z.array(text(z.string().trim().min(1).max(500))).max(50).default([]),
  /** Phrases (a person's name, a unit) whose disappearance from the main text matters. */
  phrases: z.array(text(z.string().trim().min(1).max(500))).max(100).default([]),
  /** Consecutive captures that must agree before a removal is raised. */
  confirm: z.number().int().min(1).max(10).default(2),
  /** Extra patterns (RE2 regular expressions, case-insensitive) that mark this site's "not found" pages. */
  notFound: z.array(pattern).max(20).default([]),
  /** Whether tweets this page embeds are watched too, each as a tweet target of its own. */
  watchEmbeds: z.boolean().default(true),
  /** Hard limit on one capture of this target, in milliseconds. */
  timeoutMs: z.number().int().min(1_000).max(300_000).optional(),
  /** Ask the Wayback Machine (Save Page Now) for a public copy when the page is first seen or changes. */
  archive: z.boolean().default(false),
});

/** Options as an operator gives them: text options are operator text, not-found patterns ones RE2 runs. */
export const targetOptionsSchema = z.object(optionsShape(operatorText, operatorPattern));

/**
 * Options as stored, read back as they were written, also by a version that let control characters in (every
 * terminal output escapes them) or checked patterns with JavaScript's engine: an old target still lists, and a
 * capture skips a pattern RE2 cannot run rather than making the target unreadable.
 */
export const storedTargetOptionsSchema = z.object(optionsShape(storableText, z.string()));
export type TargetOptions = z.infer<typeof targetOptionsSchema>;

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
  options: targetOptionsSchema.default({ ignore: [], phrases: [], confirm: 2, notFound: [], watchEmbeds: true, archive: false }),
});
export type NewTargetInput = z.input<typeof newTargetSchema>;

/** A validated, normalised target ready to insert. */
export interface NewTarget {
  /** `tweet` when the URL names a tweet (then `url` is its canonical form), else `page`. */
  kind: 'page' | 'tweet';
  url: string;
  tweetId: string | null;
  name: string | null;
  tags: string[];
  schedule: Schedule;
  fetcher: Fetcher;
  options: TargetOptions;
}

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
