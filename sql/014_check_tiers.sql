-- Two-tier checking (docs/checking-tiers.md): what a target's last full browser capture taught the cheap plain-HTTP
-- check, and which tier answered each snapshot. Forward-only: never edit this file once it has landed.

-- Learned, not entered: rebuilt by the next full capture, so exports leave it out (TRANSIENT_TABLES).
create table target_tiers (
  target_id         bigint primary key references targets (id) on delete cascade,
  -- The browser-rendered main text differed from the plain-HTTP extraction of the same response.
  script_dependent  boolean not null,
  -- SHA-256 of what the plain-HTTP extraction of the last full capture's response says (src/tiers/plain-print.ts).
  plain_print       bytea check (length(plain_print) = 32),
  -- The main document's validators at that capture, sent back as If-None-Match / If-Modified-Since.
  etag              text,
  last_modified     text,
  -- False once the site kept a validator while the page changed: its 304s are not believed again.
  trusts_validators boolean not null default true,
  full_snapshot_id  bigint references snapshots (id) on delete set null,
  full_at           timestamptz not null
);

-- Which tier answered: `full` a browser capture, `cheap` a plain-HTTP check that found the page as before. A full
-- capture the decision sent to the browser says why in `escalation` (src/tiers/escalation.ts).
alter table snapshots add column tier text not null default 'full' check (tier in ('full', 'cheap'));
alter table snapshots add column escalation text check (escalation ~ '^[a-z_]{1,40}$');
