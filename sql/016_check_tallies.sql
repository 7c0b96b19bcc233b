-- /metrics' two-tier figures (docs/checking-tiers.md) as running tallies, so a scrape reads a few dozen rows rather
-- than every snapshot ever stored (at 100,000 pages checked 4 times a day that is 400,000 more rows a day).
-- Forward-only: never edit this file once it has landed.

-- Derived from the snapshots and their change rows, so exports leave it out (TRANSIENT_TABLES) and an import
-- rebuilds it. Kept by the statements that insert them (src/db/snapshots.ts, src/db/changes.ts), in the same
-- transaction. Every check of every worker adds to one of these rows; `shard` (the snapshot id modulo 8) spreads
-- them over eight rows per tier and reason, so concurrent saves seldom wait on each other's row lock.
create table check_tallies (
  tier        text not null check (tier in ('full', 'cheap')),
  -- Why the decision sent a full capture to the browser; '' for a check it did not escalate.
  escalation  text not null check (escalation ~ '^[a-z_]{0,40}$'),
  shard       smallint not null check (shard between 0 and 7),
  -- scrubwatch's own checks (origin 'capture'); archived copies are no check.
  checks      bigint not null default 0,
  -- Escalated full captures whose change row says unchanged: the browser opened for nothing.
  unchanged   bigint not null default 0,
  primary key (tier, escalation, shard)
);

-- The tallies counted afresh from what is stored: filled here, and again after an import.
create function rebuild_check_tallies() returns void language sql as $$
  delete from check_tallies;
  insert into check_tallies (tier, escalation, shard, checks, unchanged)
  select s.tier, coalesce(s.escalation, ''), s.id % 8, count(*),
         count(*) filter (where s.tier = 'full' and s.escalation is not null and c.unchanged)
    from snapshots s left join changes c on c.snapshot_id = s.id
   where s.origin = 'capture'
   group by 1, 2, 3;
$$;

select rebuild_check_tallies();
