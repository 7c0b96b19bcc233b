-- Storage per check (docs/data-model.md): digests as 32 bytes instead of 64 hex characters, and an unchanged check's
-- snapshot row leaving out what it shares with the snapshot whose evidence it points at. Forward-only: never edit
-- this file once it has landed. One transaction; each table is rewritten once, by one `alter … type … using`.

-- The foreign keys onto blobs go while the key changes type, and come back with the same `on delete`.
alter table snapshots
  drop constraint snapshots_facts_sha256_fkey,
  drop constraint snapshots_html_sha256_fkey,
  drop constraint snapshots_text_sha256_fkey,
  drop constraint snapshots_screenshot_sha256_fkey,
  drop constraint snapshots_raw_sha256_fkey;

alter table blobs drop constraint blobs_sha256_check;
alter table blobs
  alter column sha256 type bytea using decode(sha256, 'hex'),
  add constraint blobs_sha256_check check (length(sha256) = 32);

-- A digest written as hex (as before this file, and in export files) as its 32 bytes. A fingerprint is only ever
-- compared for equality: one that is not a hex SHA-256 (none scrubwatch wrote) becomes the SHA-256 of its text,
-- which keeps every equality it had; a blob address that is not one then names no blob, and its foreign key says so.
create function digest_bytes(hex text) returns bytea language sql immutable strict parallel safe as $$
  select case when hex ~ '^[0-9a-f]{64}$' then decode(hex, 'hex') else sha256(convert_to(hex, 'UTF8')) end
$$;

alter table snapshots
  alter column fingerprint type bytea using digest_bytes(fingerprint),
  alter column facts_sha256 type bytea using decode(facts_sha256, 'hex'),
  alter column html_sha256 type bytea using decode(html_sha256, 'hex'),
  alter column text_sha256 type bytea using decode(text_sha256, 'hex'),
  alter column screenshot_sha256 type bytea using decode(screenshot_sha256, 'hex'),
  alter column raw_sha256 type bytea using decode(raw_sha256, 'hex'),
  add constraint snapshots_fingerprint_check check (length(fingerprint) = 32),
  add constraint snapshots_facts_sha256_fkey foreign key (facts_sha256) references blobs (sha256) on delete restrict,
  add constraint snapshots_html_sha256_fkey foreign key (html_sha256) references blobs (sha256) on delete restrict,
  add constraint snapshots_text_sha256_fkey foreign key (text_sha256) references blobs (sha256) on delete restrict,
  add constraint snapshots_screenshot_sha256_fkey foreign key (screenshot_sha256) references blobs (sha256) on delete restrict,
  add constraint snapshots_raw_sha256_fkey foreign key (raw_sha256) references blobs (sha256) on delete restrict;

-- An unchanged check read the page exactly as an earlier snapshot did (same fingerprint, same parts, same title,
-- canonical URL, final URL, redirects and counts). Its row then names that snapshot in `evidence_snapshot_id` (never
-- itself such a row) and leaves those columns null; its `headers` hold only what differs from that snapshot's (a
-- header gone as a JSON null; null when none differs, though `date` mostly does). `full_snapshots` reads it all
-- back. A row without `evidence_snapshot_id` holds everything itself, as before.
alter table snapshots
  add column evidence_snapshot_id bigint references snapshots (id) on delete no action,
  alter column fingerprint drop not null,
  alter column final_url drop not null,
  alter column redirects drop not null,
  alter column headers drop not null,
  alter column block_count drop not null,
  alter column media_count drop not null,
  alter column link_count drop not null,
  alter column embed_count drop not null,
  add constraint snapshots_evidence_check check (
    case when evidence_snapshot_id is null
      then fingerprint is not null and final_url is not null and redirects is not null and headers is not null
        and block_count is not null and media_count is not null and link_count is not null and embed_count is not null
      else num_nonnulls(fingerprint, final_url, redirects, title, canonical_url, facts_sha256, html_sha256, text_sha256,
        screenshot_sha256, raw_sha256, block_count, media_count, link_count, embed_count) = 0
    end);
create index snapshots_evidence_idx on snapshots (evidence_snapshot_id) where evidence_snapshot_id is not null;

-- Every snapshot as a whole row, in the columns (order, names and hex digests) the table had before this file:
-- what src/db/snapshots.ts reads and `scrubwatch export` writes.
create view full_snapshots as
  select s.id, s.target_id, s.job_id, s.fetcher, s.requested_url,
    coalesce(s.final_url, e.final_url) as final_url,
    coalesce(s.redirects, e.redirects) as redirects,
    s.status,
    case when s.evidence_snapshot_id is null then s.headers else jsonb_strip_nulls(e.headers || coalesce(s.headers, '{}')) end as headers,
    s.error_code, s.error_message,
    case when s.evidence_snapshot_id is null then s.title else e.title end as title,
    case when s.evidence_snapshot_id is null then s.canonical_url else e.canonical_url end as canonical_url,
    s.started_at, s.duration_ms,
    encode(coalesce(s.fingerprint, e.fingerprint), 'hex') as fingerprint,
    encode(coalesce(s.facts_sha256, e.facts_sha256), 'hex') as facts_sha256,
    encode(coalesce(s.html_sha256, e.html_sha256), 'hex') as html_sha256,
    encode(coalesce(s.text_sha256, e.text_sha256), 'hex') as text_sha256,
    encode(coalesce(s.screenshot_sha256, e.screenshot_sha256), 'hex') as screenshot_sha256,
    coalesce(s.block_count, e.block_count) as block_count,
    coalesce(s.media_count, e.media_count) as media_count,
    coalesce(s.link_count, e.link_count) as link_count,
    coalesce(s.embed_count, e.embed_count) as embed_count,
    s.created_at, s.outcome, s.outcome_signal,
    encode(coalesce(s.raw_sha256, e.raw_sha256), 'hex') as raw_sha256,
    s.origin, s.archived_at, s.archive_url, s.tier, s.escalation
  from snapshots s left join snapshots e on e.id = s.evidence_snapshot_id;

-- Blobs with their address in hex, as the table had it before this file: what `scrubwatch export` writes.
create view hex_blobs as
  select encode(sha256, 'hex') as sha256, media_type, size, data, created_at from blobs;
