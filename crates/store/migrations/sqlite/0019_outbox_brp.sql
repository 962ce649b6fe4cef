-- The chain around Nazorg (issue 13). Calls to outside systems (the BRP now, the
-- zaaksysteem next) wait in an outbox, written in the transaction of the change that
-- needs them, so that a system that is slow or down never blocks a coordinator and never
-- loses work: a worker takes what is due, and a failed call is tried again later with a
-- growing pause (next_attempt_at), its Dutch reason kept in last_error for the case page.
-- A worker holds a call it took until leased_until (so that no other takes it; a crash
-- frees it then). done_at is set once the call succeeded and its answer was taken in. At
-- most one call per case and kind waits.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    last_attempt_at DATETIME,
    leased_until DATETIME,
    last_error TEXT,
    created_at DATETIME NOT NULL,
    done_at DATETIME
);
CREATE INDEX outbox_due ON outbox(kind, done_at, next_attempt_at);
CREATE UNIQUE INDEX outbox_waiting ON outbox(case_id, kind) WHERE done_at IS NULL;

-- What the BRP said of a case's resident: the day of the last successful lookup, and for
-- a resident no longer registered the day the registration ended (when the BRP knows it).
ALTER TABLE cases ADD COLUMN brp_checked_on DATE;
ALTER TABLE cases ADD COLUMN brp_status_since DATE;
