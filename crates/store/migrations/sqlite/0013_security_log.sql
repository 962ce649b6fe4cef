-- Refused requests (issue 3): who tried what and why it was refused. Nothing was processed,
-- so this is not the processing log; it is for the security officer to spot misuse.
CREATE TABLE security_log (
    id INTEGER PRIMARY KEY,
    at DATETIME NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    role TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    operation TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX security_log_at ON security_log(municipality_code, at);
