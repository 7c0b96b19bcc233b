import type { z } from 'zod';

/**
 * Characters that are not text but commands to whatever shows the text: C0 controls (ESC opens the sequences
 * that retitle, clear or rewrite a terminal; BEL, backspace and carriage return rewrite what is seen), DEL, C1
 * controls (U+009B is a one-character CSI to some terminals) and the bidirectional embeddings, overrides and
 * isolates that reorder what is shown (`evil\u202Etxt.exe` reads `evilexe.txt`). `\p{Cc}` is C0, DEL and C1.
 */
export const CONTROL_CHARACTERS = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/** The `U+001B` form of a character, as people and references name it. */
export function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The first control character of `text`, or null. With `multiline`, tab and line breaks (`\n`, or `\r\n` as forms
 * send them) are text, not controls.
 */
export function findControlCharacter(text: string, multiline: boolean): string | null {
  for (const match of text.matchAll(CONTROL_CHARACTERS)) {
    const c = match[0];
    if (multiline && (c === '\n' || c === '\t' || (c === '\r' && text[match.index + 1] === '\n'))) continue;
    return c;
  }
  return null;
}

function controlProblem(text: string, multiline: boolean): string | null {
  const c = findControlCharacter(text, multiline);
  if (c === null) return null;
  if (c === '\n' || c === '\r') return 'contains a line break; write it on one line';
  const what = c >= '\u202a' ? 'a bidirectional-text control' : 'a control character';
  return `contains ${what} (${codePointName(c)}), which would act on the terminal or page that shows it instead of being shown; remove it`;
}

/**
 * A string Postgres can store as given: no NUL (text and jsonb refuse it) and no lone UTF-16 surrogate (it would
 * come back as U+FFFD). Command-line arguments cannot hold a NUL, but a file of targets can.
 */
export function storableText(schema: z.ZodString): z.ZodString {
  return schema
    .refine((s) => !s.includes('\u0000'), 'contains a NUL character (\\u0000), which cannot be stored; remove it')
    .refine((s) => !/\p{Cs}/u.test(s), 'contains a lone UTF-16 surrogate (not valid Unicode)');
}

/**
 * Text an operator gives that people are later shown — a target's name, phrases, selectors and patterns, a
 * subscription's or a token's name, a triage note: storable, and free of control characters (see
 * CONTROL_CHARACTERS), which anyone with a token could otherwise plant in the terminal of whoever lists them.
 * `multiline` admits tab and line breaks, for notes.
 */
export function operatorText(schema: z.ZodString, options: { multiline?: boolean } = {}): z.ZodString {
  const multiline = options.multiline ?? false;
  return storableText(schema).superRefine((value, ctx) => {
    const problem = controlProblem(value, multiline);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
