-- Bronze records remember the registry source they came in under (the
-- request kind and the HEC token's name or the syslog listener's source),
-- so what happens to them later (quarantine, refinement lag) is reported
-- per source. Records appended outside a receiver (the gather import)
-- leave both empty.

-- +goose Up
ALTER TABLE bronze_events
    ADD COLUMN origin_kind text NOT NULL DEFAULT '',
    ADD COLUMN origin      text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE bronze_events DROP COLUMN origin, DROP COLUMN origin_kind;
