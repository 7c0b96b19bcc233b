import { describe, expect, it } from 'vitest';
import { compileQuery, MAX_QUERY_CHARS, MAX_QUERY_TERMS } from '../../../src/search/query.ts';
import { InvalidInputError } from '../../../src/errors/index.ts';
import { VERBATIM } from '../../helpers/hostile-strings.ts';

/** The InvalidInputError a query is refused with. */
function refusal(query: string): InvalidInputError {
  try {
    compileQuery(query);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return err as InvalidInputError;
  }
  throw new Error(`the query ${JSON.stringify(query.slice(0, 40))} was accepted`);
}

describe('compileQuery: what people type', () => {
  it('ANDs words, each a quoted literal', () => {
    expect(compileQuery('Assimi Goita')).toEqual({ text: 'Assimi Goita', tsquery: "'Assimi' & 'Goita'", terms: ['Assimi', 'Goita'], anyTerm: "'Assimi' | 'Goita'" });
  });

  it('keeps a quoted phrase as one literal (Postgres reads its words as adjacent), spaces inside collapsed', () => {
    expect(compileQuery('"Assimi   Goita" Mali')).toMatchObject({ tsquery: "'Assimi Goita' & 'Mali'", terms: ['Assimi Goita', 'Mali'] });
  });

  it('binds OR tighter than the implicit AND', () => {
    expect(compileQuery('Goita OR Goïta Mali').tsquery).toBe("( 'Goita' | 'Goïta' ) & 'Mali'");
    expect(compileQuery('coup Goita OR "Assimi Goita" OR Goïta').tsquery).toBe("'coup' & ( 'Goita' | 'Assimi Goita' | 'Goïta' )");
  });

  it('drops an OR with nothing on one side, and reads a lower-case or as a word', () => {
    expect(compileQuery('OR Goita OR').tsquery).toBe("'Goita'");
    expect(compileQuery('Goita OR OR Mali').tsquery).toBe("( 'Goita' | 'Mali' )");
    expect(compileQuery('war or peace').tsquery).toBe("'war' & 'or' & 'peace'");
  });

  it('excludes -word and -"a phrase", and leaves excluded terms out of what a snippet marks', () => {
    const q = compileQuery('Goita -Mali -"special forces"');
    expect(q.tsquery).toBe("'Goita' & !'Mali' & !'special forces'");
    expect(q.terms).toEqual(['Goita']);
    expect(q.anyTerm).toBe("'Goita'");
  });

  it('reads a hyphen inside or after a space as part of the text, not an exclusion', () => {
    expect(compileQuery('Jean-Pierre - Goita').tsquery).toBe("'Jean-Pierre' & 'Goita'");
  });

  it('matches a prefix for a trailing *', () => {
    expect(compileQuery('Goi* Mali**').tsquery).toBe("'Goi':* & 'Mali':*");
    expect(compileQuery('Goi* Mali**')).toMatchObject({ terms: ['Goi*', 'Mali*'], anyTerm: "'Goi':* | 'Mali':*" });
  });

  it('reads control characters as spaces', () => {
    expect(compileQuery('\u0000Assimi\u0007Goita\u001b\u007f').tsquery).toBe("'Assimi' & 'Goita'");
  });

  it('quotes every word, so tsquery syntax and SQL typed in are only text', () => {
    expect(compileQuery("'; drop table x; --").tsquery).toBe("'drop' & 'table' & 'x;'");
    expect(compileQuery("O'Brien").tsquery).toBe("'O''Brien'");
    expect(compileQuery('a\\b').tsquery).toBe("'a\\\\b'");
    expect(compileQuery('goita:* & !(mali | <->)').tsquery).toBe("'goita:':* & '!(mali'");
    for (const text of VERBATIM.filter((t) => /\p{L}/u.test(t))) {
      const q = compileQuery(text.replace(/"/g, ''));
      // Every literal is opened and closed: an even count of quotes once the doubled (escaped) ones are removed.
      expect(q.tsquery.replace(/''/g, '').split("'").length % 2).toBe(1);
    }
    // Emoji and symbols are no words: refused as a query of operators only, never passed on.
    expect(refusal('🧨💣 👩‍👩‍👧‍👦 🇲🇱').message).toMatch(/only operators/);
  });

  it('takes a query of exactly the longest length', () => {
    expect(compileQuery('a'.repeat(MAX_QUERY_CHARS)).terms).toHaveLength(1);
  });

  it(`takes ${MAX_QUERY_TERMS} terms, a phrase counting as one`, () => {
    const words = Array.from({ length: MAX_QUERY_TERMS }, (_, i) => `w${i}`);
    expect(compileQuery(words.join(' ')).terms).toHaveLength(MAX_QUERY_TERMS);
    expect(compileQuery(`"${[...words, 'more', 'words'].join(' ')}"`).terms).toHaveLength(1);
  });
});

describe('compileQuery: queries refused, each with what to do', () => {
  it.each([
    ['empty', '', /empty: type a word/],
    ['spaces and control characters only', ' \t\n\u0000 ', /empty: type a word/],
    ['only operators', 'OR - * "" -- OR ** -"" ', /only operators: type a word/],
    ['only punctuation', '&&& ||| ;;', /only operators: type a word/],
    ['only exclusions', '-Goita -"Assimi Goita"', /only excludes.*add a word/],
    ['an unclosed quote', '"Assimi Goita', /not closed: end it with a second "/],
    ['a quote closed but another opened', '"Assimi" "Goita', /not closed/],
  ])('%s', (_, query, message) => {
    const err = refusal(query);
    expect(err.field).toBe('query');
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(message);
  });

  it('10,000 characters, saying how long it is and how long it may be', () => {
    const err = refusal('Goita '.repeat(1_667).slice(0, 10_000));
    expect(err.field).toBe('query');
    expect(err.message).toBe(`the query is 10000 characters long; at most ${MAX_QUERY_CHARS}: search for the name or phrase itself`);
    expect(refusal('a'.repeat(MAX_QUERY_CHARS + 1)).message).toMatch(/501 characters/);
  });

  it(`${MAX_QUERY_TERMS + 1} terms, excluded ones counting, saying to leave some out or quote a name`, () => {
    const words = Array.from({ length: MAX_QUERY_TERMS }, (_, i) => `w${i}`);
    const err = refusal([...words, '-x'].join(' '));
    expect(err.field).toBe('query');
    expect(err.message).toMatch(new RegExp(`has ${MAX_QUERY_TERMS + 1} words and phrases; at most ${MAX_QUERY_TERMS}: leave some out, or put a name in quotes`));
  });
});
