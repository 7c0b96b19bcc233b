-- The per-host politeness gate for the modes without Redis (src/politeness/postgres-host-gate.ts): who holds a
-- slot of each host, when a capture of each host last started, and how long captures were made to wait.
create table host_slots (
  host text not null,
  holder text not null,
  lease_ends_at timestamptz not null,
  primary key (host, holder)
);

create table host_starts (
  host text primary key,
  last_started_at timestamptz not null
);

create table host_waits (
  host text primary key,
  wait_count bigint not null default 0,
  wait_ms bigint not null default 0
);

-- Takes a slot of p_host for p_holder, in one statement and on the database's clock (workers on several machines
-- need not agree on the time). Acquisitions of one host take turns on a transaction advisory lock, so two workers
-- never both see a free slot. A holder asking again renews its lease. Refusals say why and for how long:
-- 'busy' (every slot held; until the first lease ends) or 'gap' (the last start was too recent).
create function acquire_host_slot(
  p_host text, p_holder text, p_lease_ms bigint, p_per_host integer, p_gap_ms bigint,
  out granted boolean, out reason text, out wait_ms bigint
) language plpgsql as $$
declare
  v_now timestamptz := clock_timestamp();
  v_held integer;
  v_first_end timestamptz;
  v_last timestamptz;
begin
  perform pg_advisory_xact_lock(hashtext('scrubwatch:host-gate:' || p_host));
  v_now := clock_timestamp();
  delete from host_slots where host = p_host and lease_ends_at <= v_now;
  update host_slots set lease_ends_at = v_now + p_lease_ms * interval '1 millisecond'
    where host = p_host and holder = p_holder;
  if found then
    granted := true;
    return;
  end if;
  select count(*), min(lease_ends_at) into v_held, v_first_end from host_slots where host = p_host;
  if v_held >= p_per_host then
    granted := false;
    reason := 'busy';
    wait_ms := ceil(extract(epoch from v_first_end - v_now) * 1000)::bigint;
    return;
  end if;
  select last_started_at into v_last from host_starts where host = p_host;
  if v_last is not null and v_now - v_last < p_gap_ms * interval '1 millisecond' then
    granted := false;
    reason := 'gap';
    wait_ms := p_gap_ms - floor(extract(epoch from v_now - v_last) * 1000)::bigint;
    return;
  end if;
  insert into host_slots (host, holder, lease_ends_at) values (p_host, p_holder, v_now + p_lease_ms * interval '1 millisecond');
  insert into host_starts (host, last_started_at) values (p_host, v_now)
    on conflict (host) do update set last_started_at = excluded.last_started_at;
  granted := true;
end;
$$;
