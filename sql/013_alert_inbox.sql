-- The inbox lists open alerts newest first (its default filter) and groups them by the capture that raised them
-- (alerts_snapshot_id_kind_key already serves the grouping). Forward-only: never edit this file once it has landed.
create index alerts_state_idx on alerts (state, id desc);
