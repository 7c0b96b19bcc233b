-- The HTTP exchanges a capture received (src/page-data/exchange.ts): one small row per recorded snapshot, the
-- bodies in blobs (content-addressed, so an unchanged page adds none). A snapshot of a page that read as before
-- writes no row: its recording is the earlier snapshot's whose parts it points at (recordingForSnapshot).
-- Forward-only: never edit this file once it has landed; add 012_….sql instead.

create table capture_exchanges (
  snapshot_id     bigint primary key references snapshots (id) on delete cascade,
  -- Who recorded it: `Chromium/<version>` or `scrubwatch-http`, the user agent, the capturing host's name.
  browser_version text not null,
  user_agent      text not null,
  capture_host    text not null,
  -- RecordedExchange[] in the order sent; each body names its blob by SHA-256, or says why it was not kept.
  exchanges       jsonb not null check (jsonb_typeof(exchanges) = 'array')
);
