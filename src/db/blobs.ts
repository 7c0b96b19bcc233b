import { createHash } from 'node:crypto';
import type { Queryable } from './pool.ts';

export interface BlobInput {
  data: Buffer;
  mediaType: string;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

// Blobs are addressed in hex everywhere but Postgres, which keeps the 32 bytes (sql/015): a string that is not a
// hex SHA-256 names no blob, and is not sent to decode(), which would fail the whole query.
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Stores bytes once under their SHA-256 and returns the hash; storing the same bytes again writes nothing. */
export async function putBlob(db: Queryable, blob: BlobInput): Promise<string> {
  const sha = sha256Hex(blob.data);
  await db.query(
    `insert into blobs (sha256, media_type, size, data) values (decode($1, 'hex'), $2, $3, $4)
     on conflict (sha256) do nothing`,
    [sha, blob.mediaType, blob.data.length, blob.data],
  );
  return sha;
}

export async function getBlob(db: Queryable, sha: string): Promise<(BlobInput & { sha256: string }) | null> {
  if (!HEX_SHA256.test(sha)) return null;
  const { rows } = await db.query<{ data: Buffer; media_type: string }>(
    "select data, media_type from blobs where sha256 = decode($1, 'hex')",
    [sha],
  );
  const row = rows[0];
  return row ? { sha256: sha, data: row.data, mediaType: row.media_type } : null;
}

export async function countBlobs(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from blobs');
  return rows[0]?.n ?? 0;
}

/** The bytes of several blobs in one query, by SHA-256; a hash with no blob is left out. */
export async function getBlobsData(db: Queryable, shas: readonly string[]): Promise<Map<string, Buffer>> {
  const { rows } = await db.query<{ sha256: string; data: Buffer }>(
    "select encode(sha256, 'hex') as sha256, data from blobs where sha256 = any(select decode(x, 'hex') from unnest($1::text[]) x)",
    [shas.filter((s) => HEX_SHA256.test(s))],
  );
  return new Map(rows.map((r) => [r.sha256, r.data]));
}
