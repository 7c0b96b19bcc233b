-- The installation's signing key for evidence packages (issue 21): one ECDSA P-384 key, made on first use.
-- Forward-only: never edit this file once it has landed; add 013_….sql instead.

-- One row at most (id is always 1), so two workers making the key at once end with one: each inserts with
-- `on conflict do nothing`, then both read the row that won. The private key never leaves this table: it is not
-- among the tables `scrubwatch export` carries (src/db/export-tables.ts), and nothing logs it.
create table signing_keys (
  id smallint primary key default 1 check (id = 1),
  algorithm text not null check (algorithm = 'ECDSA-P384'),
  -- PKCS#8 DER of the private key, SPKI DER of its public half.
  private_key bytea not null,
  public_key bytea not null,
  created_at timestamptz not null default now()
);
