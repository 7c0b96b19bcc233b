import { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import { normalizeUrl } from '../capture/url-policy.ts';
import { validateSchedule, type Schedule } from './schedule.ts';
import { canonicalTweetUrl, parseTweetUrl } from '../tweets/tweet-url.ts';
import { operatorPatternProblem } from '../detect/operator-patterns.ts';

/**
 * A string Postgres can store as given: no NUL (text and jsonb refuse it) and no lone UTF-16 surrogate (it would
 * come back as U+FFFD). Command-line arguments cannot hold a NUL, but a file of targets can.
 */
export function storableText(schema: z.ZodString): z.ZodString {
  return schema
    .refine((s) => !s.includes('\u0000'), 'contains a NUL character (\\u0000), which cannot be stored; remove it')
    .refine((s) => !/\p{Cs}/u.test(s), 'contains a lone UTF-16 surrogate (not valid Unicode)');
}

/**
 * Per-target capture and detection options as stored (JSON on the target): reading a row applies the defaults of
 * options added since. Not-found patterns are checked when given, not when read: one stored before they were
 * checked with RE2 is skipped by the capture that cannot run it, rather than making the target unreadable.
 */
export const storedTargetOptionsSchema = z.object({
  /** CSS selector to wait for before reading the page. */
  waitFor: storableText(z.string().trim().min(1).max(500)).optional(),
  /** CSS selectors whose elements are left out of every comparison (ads, view counters, clocks). */
  ignore: z.array(storableText(z.string().trim().min(1).max(500))).max(50).default([]),
  /** Phrases (a person's name, a unit) whose disappearance from the main text matters. */
  phrases: z.array(storableText(z.string().trim().min(1).max(500))).max(100).default([]),
  /** Consecutive captures that must agree before a removal is raised. */
  confirm: z.number().int().min(1).max(10).default(2),
  /** Extra patterns (RE2 regular expressions, case-insensitive) that mark this site's "not found" pages. */
  notFound: z.array(z.string()).max(20).default([]),
  /** Whether tweets this page embeds are watched too, each as a tweet target of its own. */
  watchEmbeds: z.boolean().default(true),
  /** Hard limit on one capture of this target, in milliseconds. */
  timeoutMs: z.number().int().min(1_000).max(300_000).optional(),
  /** Ask the Wayback Machine (Save Page Now) for a public copy when the page is first seen or changes. */
  archive: z.boolean().default(false),
});

/** Per-target options as given (CLI flags, API bodies, files of targets): not-found patterns must be ones RE2 runs. */
export const targetOptionsSchema = storedTargetOptionsSchema.extend({
  notFound: z
    .array(
      storableText(z.string().min(1).max(300)).superRefine((p, ctx) => {
        const problem = operatorPatternProblem(p);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      }),
    )
    .max(20)
    .default([]),
});
export type TargetOptions = z.infer<typeof targetOptionsSchema>;

/** A target's tags: what lists, alerts and subscriptions filter on. */
export const tagsSchema = z.array(z.string().trim().regex(/^[\p{L}\p{N}_.:/-]{1,64}$/u, 'tags are 1-64 letters, digits or _ . : / -')).max(50);

/** What adding a target takes (the CLI's flags, the API's body). */
export const newTargetSchema = z.object({
  url: z.string().min(1, 'url is required'),
  name: storableText(z.string().trim().min(1).max(300)).optional(),
  tags: tagsSchema.default([]),
  every: z.string().max(20, 'is too long; write a duration like 30m, 6h or 1d').optional(),
  cron: z.string().max(200, 'is too long; write a 5-field pattern like "0 */6 * * *"').optional(),
  fetcher: z.enum(['browser', 'http']).default('browser'),
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
  fetcher: 'browser' | 'http';
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
  const parsed = newTargetSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'input';
    throw new InvalidInputError(field, `${field}: ${issue.message}`);
  }
  const v = parsed.data;
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
