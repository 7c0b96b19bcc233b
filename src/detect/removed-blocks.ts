import type { TextBlock } from '../page-data/page-facts.ts';
import { isVolatileText, normalizedBlocks, profile, profileSimilarity, similarityBound, words } from './text.ts';

/** Blocks of kinds that carry an article's prose, as opposed to headings, list items of menus, captions. */
const PROSE_KINDS = new Set<TextBlock['kind']>(['paragraph', 'quote', 'preformatted', 'list-item']);
const MIN_PROSE_WORDS = 8;
/** An edited paragraph still matches its old self above this similarity: a change, not a removal. */
const EDIT_SIMILARITY = 0.5;

/** A block that is real article content: main content, prose, long enough, and not a date or a counter. */
export function isSubstantive(block: TextBlock, normalized: string): boolean {
  return block.main !== false && PROSE_KINDS.has(block.kind) && words(normalized).length >= MIN_PROSE_WORDS && !isVolatileText(normalized);
}

/**
 * Substantive blocks of the baseline with no close match in the current snapshot. Exact matches are found by
 * normalised text (a moved paragraph is no removal); what remains is matched by similarity against the current
 * blocks that are new, so an edited paragraph counts as changed.
 */
export function removedBlocks(before: TextBlock[], after: TextBlock[]): TextBlock[] {
  const remaining = new Map<string, number>();
  for (const n of normalizedBlocks(after)) remaining.set(n, (remaining.get(n) ?? 0) + 1);
  const beforeNorm = normalizedBlocks(before);
  const unmatched: Array<{ block: TextBlock; norm: string }> = [];
  for (const [i, block] of before.entries()) {
    const norm = beforeNorm[i]!;
    const left = remaining.get(norm) ?? 0;
    if (left > 0) remaining.set(norm, left - 1);
    else if (isSubstantive(block, norm)) unmatched.push({ block, norm });
  }
  if (unmatched.length === 0) return [];
  const newcomers = [...remaining.entries()].filter(([, n]) => n > 0).map(([text]) => profile(text));
  return unmatched
    .filter(({ norm }) => {
      const old = profile(norm);
      return !newcomers.some((n) => similarityBound(old, n) >= EDIT_SIMILARITY && profileSimilarity(old, n) >= EDIT_SIMILARITY);
    })
    .map(({ block }) => block);
}
