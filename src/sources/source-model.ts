import { z } from 'zod';
import { InvalidInputError } from '../errors/index.ts';
import { parseInput } from '../invalid-input.ts';
import { operatorText } from '../operator-text.ts';
import { normalizeUrl } from '../capture/url-policy.ts';
import { operatorPatternProblem } from '../detect/operator-patterns.ts';
import { validateSchedule } from '../target-model/schedule.ts';
import { tagsSchema } from '../targets/target-input.ts';
import { SOURCE_KINDS, type SourceKind, type SourceProblem } from './discovered.ts';

/** Defaults the issue fixes: read every 6 h, targets every 24 h, at most 10,000 targets, 5 listing pages. */
export const SOURCE_DEFAULTS = { every: '6h', targetsEvery: '24h', maxTargets: 10_000, pages: 5 } as const;

/** Whether a page absent from a run was taken out (complete sources) or merely rolled off (feeds, listings). */
export function completeByDefault(kind: SourceKind): boolean {
  return kind === 'sitemap' || kind === 'archive';
}

/** A validated source ready to insert. */
export interface NewSource {
  kind: SourceKind;
  url: string;
  name: string | null;
  include: string[];
  exclude: string[];
  every: string;
  targetsEvery: string;
  tags: string[];
  phrases: string[];
  maxTargets: number;
  /** ISO date-time, or null. */
  since: string | null;
  onlyMatching: boolean;
  complete: boolean;
  ignoreRobots: boolean;
  nextSelector: string | null;
  pages: number;
}

/**
 * What one read of a source did (`sources run --json`, `sources show`, the API): pages it listed, targets added,
 * already watched (by any target, from any source or by hand), skipped (not a page scrubwatch may watch, or
 * filtered out by include/exclude), delisted this run, screened out so far (`--only-matching`), and whether the
 * cap stopped it. `problems` are what stopped reading short (each typed); `warnings` what the operator should know.
 */
export interface SourceRunResult {
  discovered: number;
  added: number;
  alreadyWatched: number;
  skipped: number;
  delisted: number;
  screenedOut: number;
  capped: boolean;
  problems: SourceProblem[];
  warnings: string[];
}

const pattern = operatorText(z.string().min(1).max(300)).superRefine((p, ctx) => {
  const problem = operatorPatternProblem(p);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});
const phrase = operatorText(z.string().trim().min(1).max(500));

/** What adding a source takes (the CLI's flags, the API's body). */
export const newSourceSchema = z.object({
  url: z.string().min(1, 'url is required'),
  kind: z.enum(SOURCE_KINDS),
  name: operatorText(z.string().trim().min(1).max(300)).optional(),
  include: z.array(pattern).max(50).default([]),
  exclude: z.array(pattern).max(50).default([]),
  every: z.string().max(20).default(SOURCE_DEFAULTS.every),
  targetsEvery: z.string().max(20).default(SOURCE_DEFAULTS.targetsEvery),
  tags: tagsSchema.default([]),
  phrases: z.array(phrase).max(100).default([]),
  maxTargets: z.number().int().min(1).max(1_000_000).default(SOURCE_DEFAULTS.maxTargets),
  since: z.string().max(40).optional(),
  onlyMatching: z.boolean().default(false),
  complete: z.boolean().optional(),
  ignoreRobots: z.boolean().default(false),
  nextSelector: operatorText(z.string().trim().min(1).max(500)).optional(),
  pages: z.number().int().min(1).max(100).default(SOURCE_DEFAULTS.pages),
});
export type NewSourceInput = z.input<typeof newSourceSchema>;

/** A `since` date as typed (`2019-01-01`, or a full ISO time) as an ISO time; InvalidInputError (field `since`) when it is none. */
export function parseSince(text: string): string {
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? `${text.trim()}T00:00:00Z` : text.trim());
  if (Number.isNaN(at.getTime())) throw new InvalidInputError('since', `since "${text}" is not a date; write it like 2019-01-01 or 2019-01-01T00:00:00Z`);
  return at.toISOString();
}

function schedule(field: string, every: string): string {
  try {
    return (validateSchedule({ every }) as { every: string }).every;
  } catch (err) {
    if (err instanceof InvalidInputError) throw new InvalidInputError(field, err.message.replace(/^every/, field));
    throw err;
  }
}

/**
 * Validates what an operator typed into a NewSource. Throws InvalidInputError naming the field. `--only-matching`
 * needs at least one phrase; `--next-selector` and `--pages` are for listings. Address policy is checked apart.
 */
export function parseNewSource(input: NewSourceInput): NewSource {
  const v = parseInput(newSourceSchema, input);
  let url: string;
  try {
    url = normalizeUrl(v.url);
  } catch (err) {
    if (err instanceof InvalidInputError) throw new InvalidInputError('url', `url: ${err.message}`);
    throw err;
  }
  if (v.onlyMatching && v.phrases.length === 0) {
    throw new InvalidInputError('onlyMatching', 'onlyMatching keeps the pages that name one of the source\'s phrases; give at least one phrase');
  }
  if (v.nextSelector !== undefined && v.kind !== 'listing') {
    throw new InvalidInputError('nextSelector', 'nextSelector is for listing sources only');
  }
  return {
    kind: v.kind,
    url,
    name: v.name ?? null,
    include: v.include,
    exclude: v.exclude,
    every: schedule('every', v.every),
    targetsEvery: schedule('targetsEvery', v.targetsEvery),
    tags: [...new Set(v.tags)],
    phrases: [...new Set(v.phrases)],
    maxTargets: v.maxTargets,
    since: v.since === undefined ? null : parseSince(v.since),
    onlyMatching: v.onlyMatching,
    complete: v.complete ?? completeByDefault(v.kind),
    ignoreRobots: v.ignoreRobots,
    nextSelector: v.nextSelector ?? null,
    pages: v.pages,
  };
}
