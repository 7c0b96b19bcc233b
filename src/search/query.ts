import { InvalidInputError } from '../errors/index.ts';

/** The longest query taken: a name, a phrase and a few exclusions fit many times over. */
export const MAX_QUERY_CHARS = 500;
/** Words and phrases in one query, at most: each is one more index probe. */
export const MAX_QUERY_TERMS = 32;

/** A word or a quoted phrase as typed, and how it was marked. */
interface Term {
  text: string;
  phrase: boolean;
  negated: boolean;
  prefix: boolean;
}

/**
 * A query in web-search syntax, checked and turned into Postgres `to_tsquery` input. Every word is passed as a quoted
 * literal, so nothing the person typed is ever read as tsquery syntax, and Postgres folds case and accents with the
 * same configuration that indexed the texts.
 */
export interface CompiledQuery {
  /** The query as typed, trimmed. */
  text: string;
  /** Input for `to_tsquery('scrubwatch_search', …)`. */
  tsquery: string;
  /** The words and phrases searched for (not those excluded), as typed, a prefix with its `*`: where a snippet is cut. */
  terms: string[];
  /**
   * Those words and phrases ORed, as `to_tsquery` input: the part a hit is shown from when its words are spread
   * over several parts (a name in the title, another in a caption) and no one part matches the whole query.
   */
  anyTerm: string;
}

const field = 'query';
// Letters or digits: a "word" of only punctuation (`&`, `--`, `*`) says nothing to search for.
const HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * Reads a query as people type one into a search engine: words (all must be there), `"a quoted phrase"`, `OR`
 * between two alternatives (binding tighter than the implicit AND, as on the web), `-word` or `-"a phrase"` to
 * exclude, and `word*` for words starting so. Throws InvalidInputError (field `query`) saying what to change for an
 * empty, over-long, unbalanced or operator-only query, or one that only excludes.
 */
export function compileQuery(input: string): CompiledQuery {
  // Control characters are not words; they separate like spaces.
  // eslint-disable-next-line no-control-regex
  const text = input.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (text === '') throw new InvalidInputError(field, 'the query is empty: type a word, or a "quoted phrase", to search for');
  if (text.length > MAX_QUERY_CHARS) {
    throw new InvalidInputError(field, `the query is ${text.length} characters long; at most ${MAX_QUERY_CHARS}: search for the name or phrase itself`);
  }
  const groups = orGroups(tokens(text));
  const terms = groups.flat();
  if (terms.length === 0) throw new InvalidInputError(field, 'the query has no words to search for, only operators: type a word, or a "quoted phrase"');
  if (terms.length > MAX_QUERY_TERMS) throw new InvalidInputError(
      field,
      `the query has ${terms.length} words and phrases; at most ${MAX_QUERY_TERMS}: leave some out, or put a name in quotes to search for it as one "phrase"`,
    );
  if (!groups.some((g) => g.every((t) => !t.negated))) {
    throw new InvalidInputError(field, 'the query only excludes (-word): add a word or a "quoted phrase" that pages must contain');
  }
  const tsquery = groups
    .map((group) => (group.length === 1 ? literal(group[0]!) : `( ${group.map(literal).join(' | ')} )`))
    .join(' & ');
  const wanted = terms.filter((t) => !t.negated);
  return { text, tsquery, terms: wanted.map((t) => (t.prefix ? `${t.text}*` : t.text)), anyTerm: wanted.map(literal).join(' | ') };
}

type Token = Term | 'OR';

function tokens(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const negated = c === '-' && i + 1 < text.length && !/\s/.test(text[i + 1]!);
    const start = negated ? i + 1 : i;
    if (text[start] === '"') {
      const end = text.indexOf('"', start + 1);
      if (end === -1) throw new InvalidInputError(field, 'a quoted phrase is not closed: end it with a second " (or leave the quotes out)');
      const phrase = text.slice(start + 1, end).replace(/\s+/g, ' ').trim();
      if (HAS_WORD.test(phrase)) out.push({ text: phrase, phrase: true, negated, prefix: false });
      i = end + 1;
      continue;
    }
    let end = start;
    while (end < text.length && !/\s/.test(text[end]!) && text[end] !== '"') end += 1;
    const word = text.slice(start, end);
    i = end;
    if (word === 'OR' && !negated) {
      out.push('OR');
      continue;
    }
    const prefix = word.endsWith('*');
    const bare = word.replace(/\*+$/, '');
    if (HAS_WORD.test(bare)) out.push({ text: bare, phrase: false, negated, prefix });
  }
  return out;
}

/** Terms joined by OR into groups; the groups are ANDed. A dangling OR (first, last, doubled) is dropped. */
function orGroups(list: Token[]): Term[][] {
  const groups: Term[][] = [];
  let joinNext = false;
  for (const token of list) {
    if (token === 'OR') {
      joinNext = groups.length > 0;
      continue;
    }
    if (joinNext) groups[groups.length - 1]!.push(token);
    else groups.push([token]);
    joinNext = false;
  }
  return groups;
}

/** A term as a quoted tsquery literal: Postgres splits it into words itself, and a phrase becomes `a <-> b`. */
function literal(term: Term): string {
  const quoted = `'${term.text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  return `${term.negated ? '!' : ''}${quoted}${term.prefix ? ':*' : ''}`;
}
