-- What the API and /metrics read by time: snapshots of the last 24 hours, alerts since a date.
create index snapshots_created_at_idx on snapshots (created_at);
create index alerts_created_at_idx on alerts (created_at);
