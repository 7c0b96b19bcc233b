import type { PGlite } from '@electric-sql/pglite';
import { quoteSchemaName } from 'bullmq';
import type { Queryable } from '../db/pool.ts';

/**
 * Puts BullMQ's schema on the embedded session's search_path, after public.
 *
 * BullMQ's Postgres backend names its tables and functions unqualified and pins each connection's search_path to
 * its schema through the connection's startup options (`-c search_path=...`). PGlite serves every client from
 * one session and ignores startup options, so the pin never happens: the path is set here, once, on the session.
 * public comes first so scrubwatch's migrations keep creating their tables in public, where a real Postgres has
 * them; BullMQ still finds its own objects as long as public has none of the same names (see findShadowedNames).
 */
export async function pinSearchPath(db: PGlite, queueSchema: string): Promise<void> {
  await db.exec(`set search_path to public, ${quoteSchemaName(queueSchema)}`);
}

/**
 * Names that exist both in public and in BullMQ's schema. With the embedded search_path, public wins, so any such
 * name would silently send BullMQ's queries to a scrubwatch table (or function): it must stay empty.
 */
export async function findShadowedNames(db: Queryable, queueSchema: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `with names as (
       select n.nspname as schema, c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'v', 'm', 'S', 'p', 'f')
       union select n.nspname, t.typname::text from pg_type t join pg_namespace n on n.oid = t.typnamespace
       union select n.nspname, p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     )
     select distinct a.name from names a join names b on a.name = b.name
     where a.schema = 'public' and b.schema = $1
     order by a.name`,
    [queueSchema],
  );
  return rows.map((r) => r.name);
}
