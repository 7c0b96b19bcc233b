-- API tokens: who may use the API and the review UI, and as what. Only a token's SHA-256 is kept.
create table api_tokens (
  id           bigint generated always as identity primary key,
  name         text,
  role         text not null check (role in ('admin', 'operator', 'reviewer', 'researcher')),
  token_sha256 text not null unique check (token_sha256 ~ '^[0-9a-f]{64}$'),
  created_at   timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

-- Who triaged an alert, with a note: a dismissed alert stays in the history.
alter table alerts add column triaged_by text;
alter table alerts add column triage_note text;
alter table alerts add column triaged_at timestamptz;

-- A researcher's subscriptions are their own: the token that made them.
alter table subscriptions add column owner_token_id bigint references api_tokens (id) on delete set null;
