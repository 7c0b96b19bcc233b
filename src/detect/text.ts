/**
 * Text normalisation and similarity for comparing snapshots: the same paragraph must compare equal whatever
 * Unicode form, quote style or spacing a site used this time, and an edited paragraph must still match its old
 * self.
 */

const QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u02BC\u0060\u00B4]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;

/** NFKC, one kind of quote and dash, collapsed whitespace, lower case. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

// Each snapshot's blocks are normalised once, however many comparisons read them.
const normalizedCache = new WeakMap<ReadonlyArray<{ text: string }>, string[]>();

/** normalizeText of each block's text, in order: computed once per blocks array and remembered. */
export function normalizedBlocks(blocks: ReadonlyArray<{ text: string }>): string[] {
  let cached = normalizedCache.get(blocks);
  if (!cached) {
    cached = blocks.map((b) => normalizeText(b.text));
    normalizedCache.set(blocks, cached);
  }
  return cached;
}

/** The words of normalised text: runs of letters and digits. */
export function words(normalized: string): string[] {
  return normalized.match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
}

/** A text's word-bigram multiset, computed once when one text is compared with many. */
export interface TextProfile {
  grams: Map<string, number>;
  size: number;
}

export function profile(normalized: string): TextProfile {
  const ws = words(normalized);
  const grams = new Map<string, number>();
  if (ws.length === 1) grams.set(ws[0]!, 1);
  for (let i = 0; i + 1 < ws.length; i++) {
    const g = `${ws[i]} ${ws[i + 1]}`;
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let size = 0;
  for (const n of grams.values()) size += n;
  return { grams, size };
}

/** The Dice coefficient of two profiles, 0 to 1. */
export function profileSimilarity(a: TextProfile, b: TextProfile): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.grams.size <= b.grams.size ? [a, b] : [b, a];
  let shared = 0;
  for (const [g, n] of small.grams) shared += Math.min(n, large.grams.get(g) ?? 0);
  return (2 * shared) / (a.size + b.size);
}

/** The highest similarity two profiles of these sizes could reach: a cheap test before comparing them. */
export function similarityBound(a: TextProfile, b: TextProfile): number {
  return a.size + b.size === 0 ? 0 : (2 * Math.min(a.size, b.size)) / (a.size + b.size);
}

/**
 * How alike two normalised texts are, from 0 to 1: the Dice coefficient of their word-bigram multisets. A typo
 * fixed in a long paragraph stays near 1; a different paragraph on the same subject stays low. Linear in the
 * texts' length.
 */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  return profileSimilarity(profile(a), profile(b));
}

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const DAYS = 'mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?';
const FILLER = 'number|of|views?|viewed|times|updated|last|posted|published|modified|on|at|by|date|time|am|pm|utc|gmt|[ecmp][sd]t|z|comments?|shares?|likes?|reads?|read|min|minutes?|hours?|days?|ago|today|yesterday|the|and|le|la|de|du|mis|à|jour|vues?|publié';
const VOLATILE_WORD = new RegExp(`^(?:\\d+(?:st|nd|rd|th)?|${MONTHS}|${DAYS}|${FILLER})$`);

/**
 * Whether a block says nothing but a date, a time or a counter ("Number of views: 1,204", "Updated Feb. 18, 2019
 * 10:42 AM"): such blocks change on their own and never amount to a removal.
 */
export function isVolatileText(normalized: string): boolean {
  const ws = words(normalized);
  return ws.length > 0 && ws.every((w) => VOLATILE_WORD.test(w));
}
