import type { Pool } from '../../src/db/pool.ts';

/**
 * Text that must be stored exactly as given: SQL that would do damage if it were ever spliced into a statement,
 * markup, format strings, emoji sequences, right-to-left text with its direction marks, and combining marks.
 */
export const VERBATIM: readonly string[] = [
  "'; drop table targets; --",
  'Robert"); DROP TABLE subscriptions; --',
  "1' or '1'='1",
  '$1; delete from api_tokens where true',
  '<script>alert(document.cookie)</script>',
  '%s%n%x ${jndi:ldap://127.0.0.1/x} {{7*7}}',
  '🧨💣 👩‍👩‍👧‍👦 🇲🇱',
  '\u200F\u05E9\u05DC\u05D5\u05DD\u200E \u0645\u0631\u062D\u0628\u0627',
  'e\u0301\u0327 Zalgo t\u0336\u0335ext',
];

/** Longer than any text field takes (the longest, a triage note, takes 2,000 characters). */
export const TEN_THOUSAND = 'x'.repeat(10_000);

/**
 * Text that commands whatever shows it: an OSC sequence that retitles the terminal (ended by BEL), ESC sequences
 * that clear the screen and its scrollback, a one-character C1 CSI, a carriage return and a backspace that rewrite
 * what was shown, DEL, and the bidirectional override and isolate that reorder it (`evil\u202Etxt.exe` reads
 * `evilexe.txt`). Refused in every text an operator gives; made visible in everything the CLI prints.
 */
export const CONTROLS: readonly string[] = [
  'title\u001b]0;owned\u0007',
  '\u001b[2J\u001b[3Jcleared',
  'csi\u009b31mred',
  'over\rwritten',
  'back\bspace',
  'del\u007f',
  'evil\u202Etxt.exe\u202C',
  'iso\u2066late\u2069',
];

/** Text Postgres cannot store at all: a NUL (text and jsonb refuse it) and a lone UTF-16 surrogate. */
export const UNSTORABLE: readonly string[] = ['before\u0000after', 'half a pair: \uD83D'];

/** Every table of the schema, to compare before and after a barrage of hostile input. */
export async function tableNames(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
  return rows.map((r) => r.name);
}
