import type { Queryable } from './pool.ts';

/** The installation's signing key as stored: PKCS#8 DER private key, SPKI DER public key. */
export interface StoredSigningKey {
  privateKey: Buffer;
  publicKey: Buffer;
  createdAt: string;
}

interface KeyRow {
  private_key: Buffer;
  public_key: Buffer;
  created_at: Date;
}

/**
 * Stores a freshly made key unless one is there already (then nothing happens). Read the kept key with
 * getSigningKey afterwards, as its own statement: a concurrent winner's row is only visible to a later snapshot.
 */
export async function insertSigningKeyIfAbsent(db: Queryable, privateKey: Buffer, publicKey: Buffer): Promise<void> {
  await db.query(`insert into signing_keys (id, algorithm, private_key, public_key) values (1, 'ECDSA-P384', $1, $2) on conflict (id) do nothing`, [
    privateKey,
    publicKey,
  ]);
}

/** The stored key, or null before the first package is signed. */
export async function getSigningKey(db: Queryable): Promise<StoredSigningKey | null> {
  const { rows } = await db.query<KeyRow>('select private_key, public_key, created_at from signing_keys where id = 1');
  const row = rows[0];
  return row === undefined ? null : { privateKey: row.private_key, publicKey: row.public_key, createdAt: row.created_at.toISOString() };
}
