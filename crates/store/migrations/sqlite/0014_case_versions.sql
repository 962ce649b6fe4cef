-- Versions of a case (issue 12): every change to a case raises its version by one, and
-- each history entry keeps the version it made and the part of the case it replaced
-- (NULL for an addition such as a contact), so that a step saved from a stale read of a
-- part is refused with what changed meanwhile instead of overwriting it.
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_events ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_events ADD COLUMN part TEXT;

-- The history so far, numbered per case in the order it was written.
UPDATE case_events SET version = numbered.n
FROM (SELECT id, row_number() OVER (PARTITION BY case_id ORDER BY id) AS n FROM case_events) AS numbered
WHERE case_events.id = numbered.id;
UPDATE cases SET version = counted.n
FROM (SELECT case_id, COUNT(*) AS n FROM case_events GROUP BY case_id) AS counted
WHERE cases.id = counted.case_id;

CREATE INDEX case_events_part ON case_events(case_id, part, version);
