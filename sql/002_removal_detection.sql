-- Removal detection: each capture's outcome, each target's watch state, and each host's not-found page.

-- ok, gone, blocked or error, and the rule that decided it: only ok and gone captures take part in comparisons.
alter table snapshots add column outcome text check (outcome in ('ok', 'gone', 'blocked', 'error'));
alter table snapshots add column outcome_signal text;
create index snapshots_target_outcome_idx on snapshots (target_id, id desc) where outcome in ('ok', 'gone');

-- Where each target stands, so an alert is raised once per transition and removals are confirmed before raised.
create table target_states (
  target_id            bigint primary key references targets (id) on delete cascade,
  lifecycle            text not null default 'live' check (lifecycle in ('live', 'suspect', 'removed', 'restored')),
  -- The last snapshot accepted as the page's reference content; removals are judged against it.
  baseline_snapshot_id bigint references snapshots (id) on delete set null,
  -- Removals seen but not yet confirmed, by key: the finding, the first snapshot without it, sightings so far.
  pending              jsonb not null default '{}',
  -- Keys of removals already raised against the current baseline, so none is raised twice.
  raised               text[] not null default '{}',
  -- Since when every capture failed (blocked or error), which outcomes, and the warning raised for it.
  failing_since        timestamptz,
  failing_outcomes     text[] not null default '{}',
  blind                text check (blind in ('blocked', 'unreachable')),
  rechecks             integer not null default 0,
  updated_at           timestamptz not null default now()
);

-- What each host answers for a URL that cannot exist: a page matching it is that site's "not found" page.
create table host_probes (
  host          text primary key,
  requested_url text not null,
  status        integer,
  final_url     text not null,
  redirected    boolean not null,
  title         text,
  main_text     text not null default '',
  probed_at     timestamptz not null default now()
);
