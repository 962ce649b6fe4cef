-- The processing log in the shape of Logboek Dataverwerkingen (issue 13, point 3). Each
-- entry is one processing (an LDV "Dataverwerking"): the trace it belongs to (16 bytes,
-- hex; an incoming W3C traceparent's, or new), its own operation id (8 bytes, hex), the
-- operation of Nazorg that called it (parent_operation_id), the caller's trace and
-- operation when another application called Nazorg (foreign_*), OK or ERROR, when it
-- ended, and the register's activity it belongs to. Entries from before stay without.
ALTER TABLE processing_log ADD COLUMN trace_id TEXT;
ALTER TABLE processing_log ADD COLUMN operation_id TEXT;
ALTER TABLE processing_log ADD COLUMN parent_operation_id TEXT;
ALTER TABLE processing_log ADD COLUMN foreign_trace_id TEXT;
ALTER TABLE processing_log ADD COLUMN foreign_operation_id TEXT;
ALTER TABLE processing_log ADD COLUMN status_code TEXT;
ALTER TABLE processing_log ADD COLUMN end_at TIMESTAMPTZ;
ALTER TABLE processing_log ADD COLUMN activity TEXT;
CREATE INDEX processing_log_time ON processing_log(municipality_code, at);

-- The seal of each day's head of a chain: an HMAC, with a key held outside the database,
-- over the municipality, the day and the number and hash of its last entry. Someone who
-- can only write the database can recompute the chain, but not the seals.
CREATE TABLE audit_seals (
    municipality_code TEXT NOT NULL,
    day DATE NOT NULL,
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    seal TEXT NOT NULL,
    sealed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (municipality_code, day)
);
