import { normalizeText } from './text.ts';

/** A sentence longer than this is cut around the phrase, at word boundaries. */
const MAX_SENTENCE_CHARS = 300;

/**
 * Words a period follows without ending a sentence: titles, ranks, months, initials' company. ICU's sentence
 * breaker ends one after "Col." and "U.S.", which would cut "Col. Assimi Goita" in two.
 */
const ABBREVIATIONS = new Set(
  (
    'mr mrs ms dr prof sr jr st gen lt col maj capt cpt cmdr cdr adm sgt ssgt msgt spc pvt cpl pfc brig gov sen rep hon rev fr ' +
    'no vol jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp vs etc ave blvd dept ft mt'
  ).split(' '),
);

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Whether a piece the segmenter ended goes on into the next: it ends with an abbreviation or an initial. */
function endsWithAbbreviation(piece: string): boolean {
  const last = /(\S+)\.\s*$/u.exec(piece)?.[1];
  if (last === undefined) return false;
  // An initial ("J."), a dotted acronym ("U.S."), or a listed abbreviation.
  return /^\p{Lu}$/u.test(last) || /^(?:\p{L}\.)+\p{L}$/u.test(last) || ABBREVIATIONS.has(last.toLowerCase());
}

/** The text's sentences as written, abbreviations kept inside their sentence. */
function sentences(text: string): string[] {
  const out: string[] = [];
  let carry = '';
  for (const { segment } of segmenter.segment(text)) {
    carry += segment;
    if (!endsWithAbbreviation(segment)) {
      out.push(carry);
      carry = '';
    }
  }
  if (carry !== '') out.push(carry);
  return out;
}

/** `text` cut to about `max` characters around the `length` characters at `at`, at word boundaries, `…` where cut. */
function cutAround(text: string, at: number, length: number, max: number): string {
  if (text.length <= max) return text;
  let start = Math.max(0, Math.min(at - Math.floor(Math.max(0, max - length) / 2), text.length - max));
  let end = start + max;
  const afterSpace = text.indexOf(' ', start);
  if (start > 0 && afterSpace >= 0 && afterSpace < at) start = afterSpace + 1;
  const lastSpace = text.lastIndexOf(' ', end);
  if (end < text.length && lastSpace > at + length) end = lastSpace;
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}

/**
 * The sentence of `text` naming `phrase` (already normalised), as written on the page: cased, spaced and punctuated
 * as it was, neither lower-cased nor joined to its neighbours. A phrase that spans sentences gets all of them; a long
 * sentence is cut around the phrase at word boundaries. The whole text when the phrase is not found in it.
 */
export function sentenceNaming(text: string, phrase: string): string {
  const parts = sentences(text.replace(/\s+/g, ' ').trim());
  const norms = parts.map((part) => normalizeText(part));
  let start = norms.findIndex((n) => n.includes(phrase));
  let end = start;
  if (start < 0) {
    // The phrase spans sentences: the first run of them that holds it, found in one pass each way.
    end = firstEnd(norms, phrase);
    if (end < 0) return cutAround(text, 0, 0, MAX_SENTENCE_CHARS);
    start = firstEnd(norms.slice(0, end + 1).reverse(), phrase, true);
    start = end - start;
  }
  const sentence = parts.slice(start, end + 1).join('').trim();
  const at = Math.max(0, normalizeText(sentence).indexOf(phrase));
  return cutAround(sentence, at, phrase.length, MAX_SENTENCE_CHARS);
}

/**
 * The index of the first of `norms` by which their run (from the first, joined by spaces) holds `phrase`; with
 * `backwards`, `norms` are in reverse order and joined so. A match must reach the newest piece, so only it and the
 * phrase's length of what came before are searched: linear however many sentences there are.
 */
function firstEnd(norms: string[], phrase: string, backwards = false): number {
  let edge = '';
  for (const [i, n] of norms.entries()) {
    const window = backwards ? `${n} ${edge}` : `${edge} ${n}`;
    if (window.includes(phrase)) return i;
    edge = backwards ? window.slice(0, phrase.length) : window.slice(-phrase.length);
  }
  return -1;
}
