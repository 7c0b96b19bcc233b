import type { Queryable } from './pool.ts';

/** A query kept so that a page that stops matching it raises `phrase_removed` (src/search/saved-search-findings.ts). */
export interface SavedSearch {
  id: number;
  query: string;
  targetId: number | null;
  tag: string | null;
  sourceId: number | null;
  /** An API token's name, or `cli`. */
  createdBy: string;
  /** The API token that kept it (its keeper may remove it); null when kept from the CLI. */
  ownerTokenId: number | null;
  createdAt: string;
}

export type NewSavedSearch = Omit<SavedSearch, 'id' | 'createdAt'>;

interface SavedSearchRow {
  id: number;
  query: string;
  target_id: number | null;
  tag: string | null;
  source_id: number | null;
  created_by: string;
  owner_token_id: number | null;
  created_at: Date;
}

function toSavedSearch(r: SavedSearchRow): SavedSearch {
  return { id: r.id, query: r.query, targetId: r.target_id, tag: r.tag, sourceId: r.source_id, createdBy: r.created_by, ownerTokenId: r.owner_token_id, createdAt: r.created_at.toISOString() };
}

export async function insertSavedSearch(db: Queryable, s: NewSavedSearch): Promise<SavedSearch> {
  const { rows } = await db.query<SavedSearchRow>(
    `insert into saved_searches (query, target_id, tag, source_id, created_by, owner_token_id)
     values ($1, $2, $3, $4, $5, $6) returning *`,
    [s.query, s.targetId, s.tag, s.sourceId, s.createdBy, s.ownerTokenId],
  );
  return toSavedSearch(rows[0]!);
}

/**
 * The saved search with this query and narrowing that this keeper kept already, if any: each token keeps its own (so
 * it may remove it), and the CLI's are shared.
 */
export async function findSavedSearch(db: Queryable, s: Omit<NewSavedSearch, 'createdBy'>): Promise<SavedSearch | null> {
  const { rows } = await db.query<SavedSearchRow>(
    `select * from saved_searches where query = $1 and target_id is not distinct from $2 and tag is not distinct from $3
       and source_id is not distinct from $4 and owner_token_id is not distinct from $5 order by id limit 1`,
    [s.query, s.targetId, s.tag, s.sourceId, s.ownerTokenId],
  );
  return rows[0] ? toSavedSearch(rows[0]) : null;
}

export async function getSavedSearch(db: Queryable, id: number): Promise<SavedSearch | null> {
  const { rows } = await db.query<SavedSearchRow>('select * from saved_searches where id = $1', [id]);
  return rows[0] ? toSavedSearch(rows[0]) : null;
}

/** One page of saved searches in id order: `after` is the last id of the previous page. */
export async function listSavedSearchesPage(db: Queryable, page: { after?: number | undefined; limit: number }): Promise<SavedSearch[]> {
  const { rows } = await db.query<SavedSearchRow>(
    'select * from saved_searches where ($1::bigint is null or id > $1) order by id limit $2',
    [page.after ?? null, page.limit],
  );
  return rows.map(toSavedSearch);
}

export async function deleteSavedSearch(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('delete from saved_searches where id = $1', [id]);
  return (rowCount ?? 0) > 0;
}
