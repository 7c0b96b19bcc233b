-- Tweets: tweet targets, the pages that embed them, and the raw answers kept as evidence.

alter table targets drop constraint targets_kind_check;
alter table targets add constraint targets_kind_check check (kind in ('page', 'tweet'));
-- One target per tweet, however many pages embed it and whichever URL form named it.
alter table targets add column tweet_id text unique check (tweet_id ~ '^\d{1,25}$');
alter table targets add constraint targets_tweet_id_kind check ((kind = 'tweet') = (tweet_id is not null));

-- A source's raw answer (the oEmbed JSON of a tweet), stored once like every other part.
alter table snapshots add column raw_sha256 text references blobs (sha256) on delete restrict;

-- Which watched pages embed which tweets, and how each embed looked when last seen there.
create table tweet_embeds (
  page_target_id   bigint not null references targets (id) on delete cascade,
  tweet_target_id  bigint not null references targets (id) on delete cascade,
  author           text,
  fallback_text    text,
  date_text        text,
  rendered         boolean not null default false,
  render_error     boolean not null default false,
  last_snapshot_id bigint references snapshots (id) on delete set null,
  first_seen_at    timestamptz not null default now(),
  last_seen_at     timestamptz not null default now(),
  primary key (page_target_id, tweet_target_id)
);
create index tweet_embeds_tweet_idx on tweet_embeds (tweet_target_id);
