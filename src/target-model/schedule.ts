import { createHash } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';
import { InvalidInputError } from '../errors/index.ts';

/** How often a target is captured: a fixed interval, or a cron pattern (UTC). */
export type Schedule = { every: string } | { cron: string };

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MIN_INTERVAL_MS = 60_000;
const MAX_INTERVAL_MS = 366 * UNIT_MS.d;
/** A first run is spread over at most this long, so a large import does not fire in one second. */
const MAX_JITTER_MS = 15 * 60_000;

/** Parses a duration like `30m`, `6h` or `1d` into milliseconds; throws InvalidInputError naming `field`. */
export function parseDuration(text: string, field = 'every'): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new InvalidInputError(field, `${field} "${text}" is not a duration; write it like 30m, 6h or 1d`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/**
 * What is wrong with a recurring interval (a duration from 1m to 366d: a capture's `every`, a target's `fullEvery`),
 * worded to follow its field's name and ending with what to write instead (`examples`); null when it is fine.
 */
export function intervalProblem(text: string, examples = '30m, 6h or 1d'): string | null {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return `"${text}" is not a duration; write it like ${examples}`;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) return `"${text.trim()}" is out of range; use between 1m and 366d`;
  return null;
}

/** Checks a schedule and returns it in canonical form; throws InvalidInputError with what to write instead. */
export function validateSchedule(schedule: Schedule): Schedule {
  if ('every' in schedule) {
    const every = schedule.every.trim();
    const problem = intervalProblem(every);
    if (problem !== null) throw new InvalidInputError('every', `every ${problem}`);
    return { every };
  }
  const cron = schedule.cron.trim().replace(/\s+/g, ' ');
  const fields = cron.split(' ').length;
  if (fields !== 5) {
    throw new InvalidInputError('cron', `cron "${cron}" must have 5 fields (minute hour day month weekday), e.g. "0 */6 * * *"`);
  }
  try {
    CronExpressionParser.parse(cron, { tz: 'UTC' });
  } catch (err) {
    throw new InvalidInputError('cron', `cron "${cron}" is not a valid pattern: ${(err as Error).message}`);
  }
  return { cron };
}

/** The BullMQ repeat options of a schedule, with a per-target jitter that is stable across reconciles. */
export function repeatOptions(schedule: Schedule, targetId: number): { every: number; offset: number } | { pattern: string; tz: string } {
  if ('cron' in schedule) return { pattern: schedule.cron, tz: 'UTC' };
  const every = parseDuration(schedule.every);
  return { every, offset: jitterMs(targetId, Math.min(every, MAX_JITTER_MS)) };
}

/** A deterministic spread in [0, span): the same target always lands on the same offset. */
export function jitterMs(targetId: number, span: number): number {
  const digest = createHash('sha256').update(`target:${targetId}`).digest();
  return digest.readUInt32BE(0) % Math.max(1, Math.floor(span));
}
