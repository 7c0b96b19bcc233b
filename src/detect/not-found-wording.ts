import type { PageFacts } from '../page-data/page-facts.ts';
import { excerpt, firstMatch, readWording } from './page-wording.ts';
import type { OperatorPattern } from './operator-patterns.ts';

/*
 * Patterns are written against normalised wording (see normalizeWording): lower case, no accents, straight
 * apostrophes, single spaces.
 */

/** Statements only a missing page makes about itself: they count in the title or opening heading of any page. */
const STATEMENTS: readonly RegExp[] = [
  /\bpage (?:was |is )?not found\b/,
  /\bfile or directory not found\b/,
  /\b(?:error|erreur) 404\b/,
  /\b404 (?:error|erreur|not found|page)\b/,
  /\bthe page you (?:requested|are looking for|were looking for|tried to (?:reach|access|open))\b/,
  /\bthis (?:page|article|story|content|item|document) (?:is no longer|no longer exists|has been (?:removed|deleted)|(?:does not|doesn't) exist|(?:cannot|can't|could not|couldn't) be found)/,
  /\bthis article is no longer\b/,
  /\bwe (?:could not|couldn't|cannot|can't) find (?:that|the|this|what you)\b/,
  /\bcontent unavailable\b/,
  /\bpage (?:introuvable|non trouvee)\b/,
  /\bcette page n'existe (?:pas|plus)\b/,
  /\bla page (?:demandee|que vous (?:cherchez|recherchez|avez demandee))\b/,
  /\bcontenu indisponible\b/,
];

/** A title segment that is nothing but the code: "404 | NLR", "Error 404 - Treasury". */
const BARE_404 = /^(?:error |erreur )?404(?: error| erreur)?$/;

/**
 * Generic wording that also turns up in news ("the remains could not be found"): it counts only on a short page,
 * and only in a line that is itself short or that is about a page, link or piece of content.
 */
const GENERIC: readonly RegExp[] = [
  /\bnot found\b/,
  /\b404\b/,
  /\bno longer available\b/,
  /\bhas been (?:removed|deleted)\b/,
  /\b(?:does not|doesn't) exist\b/,
  /\b(?:cannot|can't|could not|couldn't) be found\b/,
  /\bcouldn't find\b/,
  /\bn'existe (?:pas|plus)\b/,
  /\bn'est plus disponible\b/,
  /\bintrouvable\b/,
];
const ABOUT_A_PAGE =
  /\b(?:page|url|link|address|content|article|document|file|resource|item|post|story|looking for|requested|lien|adresse|contenu|fichier|ressource|cherchez|recherchez|demandee)\b/;
const SHORT_LINE_WORDS = 5;

function genericMatch(line: string): boolean {
  if (!GENERIC.some((re) => re.test(line))) return false;
  return line.split(' ').length <= SHORT_LINE_WORDS || ABOUT_A_PAGE.test(line);
}

/**
 * Where a page says it is gone — `title "…"`, `heading "…"` or `text "…"` — or null when it does not.
 * `extraPatterns` (a site's own wording) count like the built-in statements and are tested against the
 * normalised wording, so write them in lower case without accents.
 */
export function notFoundEvidence(facts: PageFacts, extraPatterns: readonly OperatorPattern[] = []): string | null {
  const w = readWording(facts);
  const says = (line: string): boolean =>
    firstMatch([line], STATEMENTS) !== null || (line !== '' && extraPatterns.some((p) => p.test(line))) || (w.short && genericMatch(line));

  if (w.titleSegments.some((s) => BARE_404.test(s)) || (w.title !== '' && (says(w.title) || w.titleSegments.some(says)))) {
    return `title "${excerpt(facts.title ?? '')}"`;
  }
  const heading = w.leadHeadings.find(says);
  if (heading !== undefined) return `heading "${excerpt(heading)}"`;
  // The opening blocks of an article may quote an error message; only an error page's own text counts.
  const line = w.short ? w.leadBlocks.find(says) : undefined;
  return line === undefined ? null : `text "${excerpt(line)}"`;
}

/**
 * Not-found wording check on its own (used elsewhere too): true when the title, a heading, or a short page's text
 * says the page is gone. English and French; `extraPatterns` add a site's own wording.
 */
export function saysNotFound(facts: PageFacts, extraPatterns: readonly OperatorPattern[] = []): boolean {
  return notFoundEvidence(facts, extraPatterns) !== null;
}
