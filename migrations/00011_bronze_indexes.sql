-- Bronze keeps only the indexes its readers use. Every Bronze row is
-- written once and indexed on write, so each index is a cost on every
-- ingest and import:
--
-- - bronze_events_id_idx (id alone) served no query: the refine claim, the
--   quarantine and the source registry join on the primary key
--   (received_at, id), and the Bronze pages of a tenant read the tenant
--   index.
-- - the tenant index ran id descending, so every new (larger) id went to
--   the left edge of the tenant's range, whose page splits leave both
--   halves half full. Ascending, new ids append at the right edge, where a
--   split leaves the old page full; a newest-first page reads the index
--   backwards just as fast.

-- +goose Up
DROP INDEX bronze_events_id_idx;
DROP INDEX bronze_events_tenant_id_idx;
CREATE INDEX bronze_events_tenant_id_idx ON bronze_events (tenant_id, id);

-- +goose Down
DROP INDEX bronze_events_tenant_id_idx;
CREATE INDEX bronze_events_tenant_id_idx ON bronze_events (tenant_id, id DESC);
CREATE INDEX bronze_events_id_idx ON bronze_events (id);
