-- Search: every distinct text scrubwatch holds, indexed once, and which pages said it when.
-- Forward-only: never edit this file once it has landed; add 011_….sql instead.

-- Accents are folded on both sides (Goïta finds Goita and back). PGlite carries unaccent too (loaded by the
-- embedded mode), so every run mode searches alike.
create extension if not exists unaccent;

-- Words as written, lower-cased and unaccented: no stemming, so a name matches itself and nothing else, and no
-- stop words, so every word of a quoted phrase counts.
create text search configuration scrubwatch_search (copy = simple);
alter text search configuration scrubwatch_search
  alter mapping for word, hword, hword_part with unaccent, simple;

-- A document's tsvector, one home for indexing and reindexing. Each part is weighed so a hit can say where it was
-- (A title, B main text, C captions and alt text, D embedded tweets). Postgres counts word positions only to 16,383:
-- the main text goes last, so a long article cannot push the title's, captions' or tweets' words past that count.
create function search_document(title text, main text, captions text, embeds text) returns tsvector
  language sql immutable parallel safe
  as $$ select setweight(to_tsvector('scrubwatch_search', title), 'A') || setweight(to_tsvector('scrubwatch_search', captions), 'C')
    || setweight(to_tsvector('scrubwatch_search', embeds), 'D') || setweight(to_tsvector('scrubwatch_search', main), 'B') $$;

-- One row per distinct searchable text (a page's title, main text, captions and alt text, embedded tweets' text),
-- named by the SHA-256 of those parts (src/search/search-document.ts): a page re-captured unchanged adds nothing.
-- `document` weighs each part so a hit can say where it was: A title, B main text, C captions and alt text, D embeds.
create table search_texts (
  sha256     bytea primary key check (length(sha256) = 32),
  title      text not null,
  main       text not null,
  captions   text not null,
  embeds     text not null,
  document   tsvector not null,
  created_at timestamptz not null default now()
);
create index search_texts_document on search_texts using gin (document);

-- The texts a query matches, always through the GIN index: on a small or freshly loaded table the planner may pick a
-- scan that reads every tsvector, which stays fast only while the table is small.
create function search_matching_texts(query tsquery) returns setof bytea
  language sql stable set enable_seqscan = off
  as $$ select sha256 from search_texts where document @@ query $$;

-- Which part of a document a query hits, first in page order of importance: title, main text, captions, embeds.
create function search_part(document tsvector, query tsquery) returns text
  language sql immutable parallel safe
  as $$ select case
    when ts_filter(document, '{a}') @@ query then 'title'
    when ts_filter(document, '{b}') @@ query then 'main'
    when ts_filter(document, '{c}') @@ query then 'caption'
    when ts_filter(document, '{d}') @@ query then 'embed'
  end $$;

-- Where a term (src/search/query.ts: a word or phrase as typed, a prefix ending in *) first stands in a text, case
-- folded: its words in order with any spaces or punctuation between, a whole word (or a word's start, for a prefix).
-- Null when it is not there. A plain substring search would stop at "Malian" for Mali, or miss "Assimi, Goita".
create function search_term_position(body text, term text) returns integer
  language sql immutable parallel safe
  as $$ select (select nullif(strpos(body, substring(body from '(?i)((?:^|[^[:alnum:]])' || array_to_string(words, '[^[:alnum:]]+')
      || case when right(term, 1) = '*' then ')' else '(?:[^[:alnum:]]|$))' end)), 0)
    from (select array(select w from regexp_split_to_table(term, '[^[:alnum:]]+') w where w <> '') as words) t
    where cardinality(words) > 0) $$;

-- The stretch of a part around the first of the terms found, `width` characters long: ts_headline reads all of its
-- input, so a snippet is cut from a window, never from a whole article. Each term is looked for as written (case
-- folded) first; only when none is found is the whole part unaccented, which costs a pass over an article.
create function search_window(body text, terms text[], width integer) returns text
  language sql stable parallel safe
  as $$ select substr(body, greatest(1, coalesce(
      (select min(search_term_position(body, t)) from unnest(terms) t),
      (select min(search_term_position(unaccent(body), unaccent(t))) from unnest(terms) t),
      1) - width / 4), width) $$;

-- Which texts each page showed, and when it was first and last seen showing each: one row per page and text, moved
-- forward (not added to) by every capture that reads the same.
create table search_sightings (
  target_id         bigint not null references targets (id) on delete cascade,
  text_sha256       bytea not null references search_texts (sha256) on delete cascade,
  first_snapshot_id bigint not null references snapshots (id) on delete cascade,
  first_seen_at     timestamptz not null,
  last_snapshot_id  bigint not null references snapshots (id) on delete cascade,
  last_seen_at      timestamptz not null,
  primary key (target_id, text_sha256)
);
create index search_sightings_text on search_sightings (text_sha256);

-- Each page's latest answered snapshot (the site answered: ok or gone), as the `now` and `gone` scopes read it.
create table search_latest (
  target_id    bigint primary key references targets (id) on delete cascade,
  snapshot_id  bigint not null references snapshots (id) on delete cascade,
  captured_at  timestamptz not null,
  -- The page answered "gone" (a 404, a soft 404, a redirect to a generic page): it is never in `now`.
  removed      boolean not null,
  text_sha256  bytea references search_texts (sha256) on delete set null
);
create index search_latest_text on search_latest (text_sha256);

-- Saved searches: a query kept so that a page that stops matching it raises phrase_removed.
create table saved_searches (
  id          bigint generated always as identity primary key,
  query       text not null check (length(query) between 1 and 500),
  -- Optional narrowing, as `scrubwatch search` takes it.
  target_id   bigint references targets (id) on delete cascade,
  tag         text,
  source_id   bigint references sources (id) on delete cascade,
  -- Who kept it: an API token's name, or `cli`.
  created_by  text not null,
  -- The API token that kept it, so its keeper can remove it (null when kept from the CLI).
  owner_token_id bigint references api_tokens (id) on delete set null,
  created_at  timestamptz not null default now()
);
