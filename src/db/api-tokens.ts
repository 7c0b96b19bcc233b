import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './pool.ts';

export type Role = 'admin' | 'operator' | 'reviewer' | 'researcher';

export interface ApiToken {
  id: number;
  name: string | null;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface TokenRow {
  id: number;
  name: string | null;
  role: Role;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

function toToken(r: TokenRow): ApiToken {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Creates a token; the secret is returned once and only its hash is stored. */
export async function createApiToken(db: Queryable, role: Role, name: string | null): Promise<{ token: ApiToken; secret: string }> {
  const secret = `swt_${randomBytes(24).toString('base64url')}`;
  const { rows } = await db.query<TokenRow>('insert into api_tokens (name, role, token_sha256) values ($1, $2, $3) returning *', [name, role, hashToken(secret)]);
  return { token: toToken(rows[0]!), secret };
}

/** The live token a secret belongs to, noting its use; null for an unknown or revoked one. */
export async function findApiToken(db: Queryable, secret: string): Promise<ApiToken | null> {
  const { rows } = await db.query<TokenRow>(
    'update api_tokens set last_used_at = now() where token_sha256 = $1 and revoked_at is null returning *',
    [hashToken(secret)],
  );
  return rows[0] ? toToken(rows[0]) : null;
}

export async function getApiToken(db: Queryable, id: number): Promise<ApiToken | null> {
  const { rows } = await db.query<TokenRow>('select * from api_tokens where id = $1 and revoked_at is null', [id]);
  return rows[0] ? toToken(rows[0]) : null;
}

export async function listApiTokens(db: Queryable): Promise<ApiToken[]> {
  const { rows } = await db.query<TokenRow>('select * from api_tokens order by id');
  return rows.map(toToken);
}

export async function revokeApiToken(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('update api_tokens set revoked_at = now() where id = $1 and revoked_at is null', [id]);
  return (rowCount ?? 0) > 0;
}

export async function countLiveTokens(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from api_tokens where revoked_at is null');
  return rows[0]?.n ?? 0;
}
