import type { Queryable } from '../db/pool.ts';
import { InvalidInputError, NotFoundError } from '../errors/index.ts';
import { queryHasWords } from '../db/search-pages.ts';
import { deleteSavedSearch, findSavedSearch, insertSavedSearch, type NewSavedSearch, type SavedSearch } from '../db/saved-searches.ts';
import { getTarget } from '../db/targets.ts';
import { getSource } from '../db/sources.ts';
import { compileQuery } from './query.ts';

/**
 * Keeps a query (`scrubwatch search QUERY --watch`, `POST /api/searches`). The query is checked as a search checks it
 * (InvalidInputError, field `query`), and the target or source it is narrowed to must exist (NotFoundError). Keeping
 * the same query and narrowing again answers the one already kept (`created: false`), so a repeated command does not
 * double the alerts' subscribers' work.
 */
export async function saveSearch(db: Queryable, input: NewSavedSearch): Promise<{ search: SavedSearch; created: boolean }> {
  const compiled = compileQuery(input.query);
  if (!(await queryHasWords(db, compiled.tsquery))) {
    throw new InvalidInputError('query', 'the query has no words the index keeps (only punctuation or symbols): type a word, or a "quoted phrase"');
  }
  if (input.targetId !== null && !(await getTarget(db, input.targetId))) throw new NotFoundError('target', input.targetId);
  if (input.sourceId !== null && !(await getSource(db, input.sourceId))) throw new NotFoundError('source', input.sourceId);
  const wanted = { ...input, query: compiled.text };
  const existing = await findSavedSearch(db, wanted);
  if (existing) return { search: existing, created: false };
  return { search: await insertSavedSearch(db, wanted), created: true };
}

/** Stops a saved search; NotFoundError when there is none with this id. Alerts it raised stay. */
export async function removeSavedSearch(db: Queryable, id: number): Promise<void> {
  if (!(await deleteSavedSearch(db, id))) throw new NotFoundError('saved search', id, 'scrubwatch search saved');
}
