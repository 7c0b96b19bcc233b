import { z } from 'zod';
import { operatorText, storableText } from '../operator-text.ts';
import { operatorPatternProblem } from '../detect/operator-patterns.ts';
import { intervalProblem } from './schedule.ts';

/** An operator's not-found pattern: operator text that RE2 can run in linear time. */
const operatorPattern = operatorText(z.string().min(1).max(300)).superRefine((p, ctx) => {
  const problem = operatorPatternProblem(p);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

/** How often a target gets a full browser capture when the cheap tier keeps finding it unchanged, by default. */
export const DEFAULT_FULL_EVERY = '7d';

/** A recurring interval like a schedule's `every` (1m to 366d), checked by the same rule. */
const fullEvery = z
  .string()
  .trim()
  .max(20)
  .superRefine((text, ctx) => {
    const problem = intervalProblem(text, '7d, 12h or 30d');
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
  /**
   * The longest a target goes without a full browser capture while cheap plain-HTTP checks find it unchanged
   * (docs/checking-tiers.md): screenshots and photo checks never get older than this. Absent on targets stored
   * before two-tier checking, which read as the default.
   */
  fullEvery: fullEvery.default(DEFAULT_FULL_EVERY),
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
