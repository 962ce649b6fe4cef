-- The processing log becomes a hash chain per municipality: each entry carries the hash of
-- the one before, so an entry changed or removed in the database is detected by
-- `nazorg audit verify`. Entries from before this migration stay outside the chain.

ALTER TABLE processing_log ADD COLUMN seq INTEGER;
ALTER TABLE processing_log ADD COLUMN prev_hash TEXT;
ALTER TABLE processing_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX processing_log_chain ON processing_log(municipality_code, seq);

-- The head of each chain; updating it serialises appends within a municipality.
CREATE TABLE audit_heads (
    municipality_code TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
