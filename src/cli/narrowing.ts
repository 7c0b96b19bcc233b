import type { Pool } from '../db/pool.ts';
import { getSource } from '../db/sources.ts';
import { requireTarget } from '../db/targets.ts';
import { NotFoundError } from '../errors/index.ts';

/**
 * A target or source a listing (a search, the alerts) is narrowed to must exist: a typo is pointed out with how to
 * list what exists, not answered as "nothing found".
 */
export async function requireNarrowing(pool: Pool, req: { targetId?: number | undefined; sourceId?: number | undefined }): Promise<void> {
  if (req.targetId !== undefined) await requireTarget(pool, req.targetId);
  if (req.sourceId !== undefined && !(await getSource(pool, req.sourceId))) throw new NotFoundError('source', req.sourceId);
}
