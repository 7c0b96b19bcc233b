import type { Pool } from '../../src/db/pool.ts';

/**
 * Text that must be stored exactly as given: SQL that would do damage if it were ever spliced into a statement,
 * markup, format strings, emoji sequences and bidirectional controls (the RTL override makes `txt.exe` read
 * `exe.txt`).
 */
export const VERBATIM: readonly string[] = [
  "'; drop table targets; --",
  'Robert"); DROP TABLE subscriptions; --',
  "1' or '1'='1",
  '$1; delete from api_tokens where true',
  '<script>alert(document.cookie)</script>',
  '%s%n%x ${jndi:ldap://127.0.0.1/x} {{7*7}}',
  '🧨💣 👩‍👩‍👧‍👦 🇲🇱',
  'evil\u202Etxt.exe\u202C \u200F\u05E9\u05DC\u05D5\u05DD\u200E',
  'e\u0301\u0327 Zalgo t\u0336\u0335ext',
];

/** Longer than any text field takes (the longest, a triage note, takes 2,000 characters). */
export const TEN_THOUSAND = 'x'.repeat(10_000);

/** Text Postgres cannot store at all: a NUL (text and jsonb refuse it) and a lone UTF-16 surrogate. */
export const UNSTORABLE: readonly string[] = ['before\u0000after', 'half a pair: \uD83D'];

/** Every table of the schema, to compare before and after a barrage of hostile input. */
export async function tableNames(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
  return rows.map((r) => r.name);
}
