-- What is due, stored (issue 14, point 5): each open case's deadlines as the deadline
-- rules give them (domain::deadlines::upcoming), with the day each shows from, written
-- whenever the case's next step is (every step, the BRP's answer, a partner's referral
-- step, a notification), so that a count of what is due today is one indexed query
-- instead of the rules run over every open case. deadline_rules holds the thresholds the
-- rows were made with: when `serve` starts with others, every open case is done again.
CREATE TABLE case_deadlines (
    case_id BIGINT NOT NULL REFERENCES cases(id),
    municipality_code TEXT NOT NULL,
    -- The case's coordinator when the row was made (every assignment makes them again):
    -- a worklist's scope is then a range of this index, not a join over every case.
    coordinator_id BIGINT,
    kind TEXT NOT NULL,
    due DATE NOT NULL,
    shows_from DATE NOT NULL,
    subject_id BIGINT,
    -- The kind's place among the kinds (the worklist's order within a day), and why it is
    -- due, in Dutch.
    kind_rank BIGINT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX case_deadlines_case ON case_deadlines(case_id);
CREATE INDEX case_deadlines_scope ON case_deadlines(municipality_code, coordinator_id, due, kind_rank, case_id);
CREATE INDEX case_deadlines_team ON case_deadlines(municipality_code, due, kind_rank, case_id);

CREATE TABLE deadline_rules (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    thresholds TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
);
