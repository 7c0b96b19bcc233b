-- A target's latest snapshot is the capture that began last, not the one saved last: two captures of one target
-- in flight can be saved out of order, and the one overtaken must not become what the next capture is compared with.
create index snapshots_target_started_idx on snapshots (target_id, started_at desc, id desc);
create index snapshots_target_answered_started_idx on snapshots (target_id, started_at desc, id desc) where outcome in ('ok', 'gone');
