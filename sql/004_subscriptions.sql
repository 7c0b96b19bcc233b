-- Alert delivery: who wants which alerts through which channel, and every delivery and attempt made for them.

create table subscriptions (
  id            bigint generated always as identity primary key,
  name          text not null,
  channel       text not null check (channel in ('webhook', 'email', 'feed')),
  webhook_url   text,
  -- json: the documented payload; slack: a Slack-compatible { "text" } body (signed all the same).
  webhook_format text not null default 'json' check (webhook_format in ('json', 'slack')),
  email         text,
  -- Webhook: the HMAC-SHA256 key that signs each request. Feed: the token in the feed's secret URL.
  secret        text not null unique,
  -- Filters: an empty array matches everything; within one filter any value matches, across filters all must.
  target_ids    bigint[] not null default '{}',
  tags          text[] not null default '{}',
  kinds         text[] not null default '{}',
  min_severity  text not null default 'low' check (min_severity in ('low', 'medium', 'high')),
  -- Null: each alert is sent at once. Otherwise alerts are gathered and sent together at this interval.
  digest_every  text check (digest_every ~ '^\d+(m|h|d)$'),
  active        boolean not null default true,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  check ((channel = 'webhook') = (webhook_url is not null)),
  check ((channel = 'email') = (email is not null)),
  check (channel <> 'feed' or digest_every is null)
);

-- One row per alert and subscription (the outbox): written in the transaction that raises the alert, so an alert
-- is never raised without its deliveries, and unique, so no alert goes to one subscription twice.
create table deliveries (
  id              bigint generated always as identity primary key,
  alert_id        bigint not null references alerts (id) on delete cascade,
  subscription_id bigint not null references subscriptions (id) on delete cascade,
  -- pending: to send at once; digest: waits for the subscription's digest; sending: an attempt is under way;
  -- delivered; failed: retries exhausted (the dead letter); cancelled: the subscription was deactivated.
  status          text not null check (status in ('pending', 'digest', 'sending', 'delivered', 'failed', 'cancelled')),
  -- The digest message a delivery went out in, so a retried digest resends the same alerts.
  batch           text,
  attempts        integer not null default 0,
  last_error      text,
  response_code   integer,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  delivered_at    timestamptz,
  unique (alert_id, subscription_id)
);
create index deliveries_status_idx on deliveries (status, id) where status in ('pending', 'digest', 'sending', 'failed');
create index deliveries_subscription_idx on deliveries (subscription_id, status);

-- Every attempt, including one whose worker died before it could record the outcome (finished_at stays null).
create table delivery_attempts (
  id            bigint generated always as identity primary key,
  delivery_id   bigint not null references deliveries (id) on delete cascade,
  started_at    timestamptz not null default now(),
  finished_at   timestamptz,
  ok            boolean,
  response_code integer,
  error         text,
  duration_ms   integer
);
create index delivery_attempts_delivery_idx on delivery_attempts (delivery_id, id);
