import { RE2JS, RE2JSException } from 're2js';
import { InvalidInputError } from '../errors/index.ts';

/*
 * A source's `--include` / `--exclude` patterns run on every URL it lists: tens of thousands per run, each chosen
 * by the site. RE2 (its JavaScript port, re2js, as for not-found patterns in src/detect/operator-patterns.ts) runs
 * in time linear in the URL, so no pattern and no URL can stall the worker. Compiled once per run.
 */

/** Longest URL a pattern is tried on; longer ones are not pages anyone links to, and are refused. */
export const MAX_FILTERED_URL_CHARS = 4_096;

/** Which discovered URLs a source keeps. */
export interface UrlFilter {
  /** Whether `url` (normalised) is kept: it matches an include pattern (or there are none) and no exclude one. */
  accepts(url: string): boolean;
}

function compile(field: 'include' | 'exclude', source: string): RE2JS {
  try {
    return RE2JS.compile(source);
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    throw new InvalidInputError(field, `${field} pattern "${source.slice(0, 200)}" cannot be run (${err.message}); change it with \`scrubwatch sources\` or the API`);
  }
}

/**
 * Compiles a source's patterns. Each is searched for anywhere in the full normalised URL (anchor it with ^ or $
 * to say more), case-sensitively like the URL's path. Throws InvalidInputError naming the field for a pattern RE2
 * cannot run (one stored before patterns were checked).
 */
export function compileUrlFilter(include: readonly string[], exclude: readonly string[]): UrlFilter {
  const includes = include.map((p) => compile('include', p));
  const excludes = exclude.map((p) => compile('exclude', p));
  return {
    accepts(url) {
      if (url.length > MAX_FILTERED_URL_CHARS) return false;
      if (includes.length > 0 && !includes.some((re) => re.test(url))) return false;
      return !excludes.some((re) => re.test(url));
    },
  };
}
