import { createHash } from 'node:crypto';

const NOT_HEX = /[^0-9a-f]/;

/**
 * What is wrong with a blob row of an export, or null: its bytes (Postgres's "\x…" hex) must hash to the
 * address it is stored under and be as long as it says. Proves the evidence crossed over unaltered.
 */
export function blobRowProblem(row: Record<string, unknown>): string | null {
  const { sha256, size, data } = row;
  if (typeof sha256 !== 'string' || typeof data !== 'string' || typeof size !== 'number') return 'a blob row without sha256, size and data';
  if (!data.startsWith('\\x') || data.length % 2 !== 0 || NOT_HEX.test(data.slice(2))) return `blob ${sha256.slice(0, 64)}: its data is not hex bytes`;
  const bytes = Buffer.from(data.slice(2), 'hex');
  if (bytes.length !== size) return `blob ${sha256.slice(0, 64)}: ${bytes.length} bytes where its row says ${size}`;
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) return `blob ${sha256.slice(0, 64)}: its bytes hash to ${actual}, so they were altered or damaged`;
  return null;
}
