/**
 * The tables `scrubwatch export` carries, in an order where every row's foreign keys point at rows written
 * before it (so an import inserts them as they come). test/transfer/export-tables.test.ts checks both lists
 * against the migrated schema: a new table must be added to one of them.
 */
export const EXPORTED_TABLES = [
  'targets',
  'sources',
  'source_pages',
  'blobs',
  'snapshots',
  'capture_exchanges',
  'changes',
  'alerts',
  'target_states',
  'tweet_embeds',
  'host_probes',
  'api_tokens',
  'saved_searches',
  'subscriptions',
  'deliveries',
  'delivery_attempts',
] as const;

export type ExportedTable = (typeof EXPORTED_TABLES)[number];

/**
 * Tables left out: the migration ledger (an import migrates the destination itself), the politeness gate's
 * leases, start times and wait counters, which describe running workers, not the record, and the search index,
 * which is derived from the snapshots and rebuilt from them after an import (`scrubwatch import`), and what full
 * captures taught the cheap tier (target_tiers), which the next full capture of each target learns again, and
 * /metrics' check tallies, which are counted again from the snapshots after an import.
 */
export const TRANSIENT_TABLES = [
  'schema_migrations',
  'host_slots',
  'host_starts',
  'host_waits',
  'search_texts',
  'search_sightings',
  'search_latest',
  'target_tiers',
  'check_tallies',
] as const;

/**
 * Tables that must never leave the installation: the evidence signing key (a copy elsewhere could sign packages
 * in this installation's name). An import into a fresh installation makes its own key on first use.
 */
export const SECRET_TABLES = ['signing_keys'] as const;

export function isExportedTable(name: string): name is ExportedTable {
  return (EXPORTED_TABLES as readonly string[]).includes(name);
}
