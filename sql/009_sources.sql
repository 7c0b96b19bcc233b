-- Sources: what finds pages (a sitemap, a feed, a listing page, the Internet Archive's index of a URL prefix), and
-- which pages each listed. Forward-only: never edit this file once it has landed; add 010_….sql instead.

create table sources (
  id             bigint generated always as identity primary key,
  url            text not null,
  kind           text not null check (kind in ('sitemap', 'feed', 'listing', 'archive')),
  name           text,
  -- RE2 patterns matched against each discovered page's full (normalised) URL.
  include        text[] not null default '{}',
  exclude        text[] not null default '{}',
  -- How often the source is read, and the schedule given to the targets it creates.
  every          text not null check (every ~ '^\d+(ms|s|m|h|d)$'),
  targets_every  text not null check (targets_every ~ '^\d+(ms|s|m|h|d)$'),
  tags           text[] not null default '{}',
  phrases        text[] not null default '{}',
  max_targets    integer not null check (max_targets between 1 and 1000000),
  -- Sitemap lastmod / archive capture date lower bound.
  since          timestamptz,
  -- Keep a discovered page scheduled only if its first capture (or archived copy) names one of the phrases.
  only_matching  boolean not null default false,
  -- Whether a page absent from a run was taken out of the source (sitemaps and archives) or rolled off (feeds).
  complete       boolean not null,
  ignore_robots  boolean not null default false,
  -- Listing sources: the CSS selector of the next page's link (else rel="next"), and how many pages are read.
  next_selector  text,
  pages          integer not null default 5 check (pages between 1 and 100),
  paused         boolean not null default false,
  -- The last run's result ({discovered, added, …, problems, warnings}) and when it ended.
  last_run       jsonb,
  last_run_at    timestamptz,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  unique (kind, url)
);

-- Which targets a source listed, since when, and what it last said of each.
create table source_pages (
  source_id       bigint not null references sources (id) on delete cascade,
  target_id       bigint not null references targets (id) on delete cascade,
  first_listed_at timestamptz not null default now(),
  last_listed_at  timestamptz not null default now(),
  -- Sitemap lastmod or feed date, as the source last gave it.
  lastmod         timestamptz,
  -- Archive sources: the newest successful archived copy the index named (YYYYMMDDhhmmss).
  archive_timestamp text check (archive_timestamp ~ '^\d{14}$'),
  -- Complete runs in a row that did not list the page; two while the page answers raise page_delisted.
  missed_runs     integer not null default 0,
  delisted_at     timestamptz,
  primary key (source_id, target_id)
);
create index source_pages_target_idx on source_pages (target_id);

-- Screening (--only-matching): `pending` until the first capture or archived copy is judged, `screened` when it
-- named none of the source's phrases (no schedule, no captures until the source shows the page changed).
alter table targets add column screening text check (screening in ('pending', 'screened'));

-- An archived copy stored as a baseline is the Wayback Machine's, never passed off as scrubwatch's own capture.
alter table snapshots add column origin text not null default 'capture' check (origin in ('capture', 'archive'));
alter table snapshots add column archived_at timestamptz;
alter table snapshots add column archive_url text;
alter table snapshots add constraint snapshots_archive_origin check ((origin = 'archive') = (archive_url is not null));
