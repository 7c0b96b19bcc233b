-- scrubwatch's first schema: targets, content-addressed blobs, snapshots, changes and alerts.
-- Forward-only: never edit this file once it has landed; add 002_….sql instead.

create table targets (
  id             bigint generated always as identity primary key,
  url            text not null unique,
  kind           text not null default 'page' check (kind in ('page')),
  name           text,
  tags           text[] not null default '{}',
  schedule_every text check (schedule_every ~ '^\d+(ms|s|m|h|d)$'),
  schedule_cron  text,
  fetcher        text not null default 'browser' check (fetcher in ('browser', 'http')),
  options        jsonb not null default '{}',
  paused         boolean not null default false,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  check ((schedule_every is null) <> (schedule_cron is null))
);
create index targets_tags_idx on targets using gin (tags);

-- Bytes stored once, whoever refers to them: an unchanged page re-captured a thousand times costs one row.
create table blobs (
  sha256     text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
  media_type text not null,
  size       integer not null check (size >= 0),
  data       bytea not null,
  created_at timestamptz not null default now()
);

create table snapshots (
  id              bigint generated always as identity primary key,
  target_id       bigint not null references targets (id) on delete cascade,
  -- The queue job that made it: a retried or redelivered job finds its snapshot instead of writing another.
  job_id          text not null,
  fetcher         text not null,
  requested_url   text not null,
  final_url       text not null,
  redirects       jsonb not null default '[]',
  status          integer,
  headers         jsonb not null default '{}',
  error_code      text,
  error_message   text,
  title           text,
  canonical_url   text,
  started_at      timestamptz not null,
  duration_ms     integer not null,
  -- Hash over what the page says (status, final URL, blocks, media, links, embeds): equal means unchanged.
  fingerprint     text not null,
  facts_sha256    text references blobs (sha256) on delete restrict,
  html_sha256     text references blobs (sha256) on delete restrict,
  text_sha256     text references blobs (sha256) on delete restrict,
  screenshot_sha256 text references blobs (sha256) on delete restrict,
  block_count     integer not null default 0,
  media_count     integer not null default 0,
  link_count      integer not null default 0,
  embed_count     integer not null default 0,
  created_at      timestamptz not null default now(),
  unique (target_id, job_id)
);
create index snapshots_target_created_idx on snapshots (target_id, id desc);

create table changes (
  id                   bigint generated always as identity primary key,
  target_id            bigint not null references targets (id) on delete cascade,
  snapshot_id          bigint not null unique references snapshots (id) on delete cascade,
  previous_snapshot_id bigint not null references snapshots (id) on delete cascade,
  unchanged            boolean not null,
  record               jsonb not null,
  created_at           timestamptz not null default now()
);
create index changes_target_idx on changes (target_id, id desc);

create table alerts (
  id          bigint generated always as identity primary key,
  target_id   bigint not null references targets (id) on delete cascade,
  snapshot_id bigint not null references snapshots (id) on delete cascade,
  change_id   bigint references changes (id) on delete set null,
  kind        text not null,
  severity    text not null check (severity in ('low', 'medium', 'high')),
  state       text not null default 'open' check (state in ('open', 'confirmed', 'dismissed')),
  summary     text not null,
  evidence    jsonb not null default '{}',
  created_at  timestamptz not null default now(),
  unique (snapshot_id, kind)
);
create index alerts_target_idx on alerts (target_id, id desc);
create index alerts_kind_idx on alerts (kind, id desc);
