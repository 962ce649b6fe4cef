-- Absences and substitution, planned appointments, calendar feeds, e-mail digests.

ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE absences (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    substitute_id INTEGER NOT NULL REFERENCES users(id),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    note TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX absences_substitute ON absences(substitute_id, ends_on);
CREATE INDEX absences_user ON absences(user_id, ends_on);

CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    starts_at DATETIME NOT NULL,
    kind TEXT NOT NULL,
    place TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX appointments_case ON appointments(case_id, starts_at);

CREATE TABLE calendar_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at DATETIME NOT NULL,
    revoked_at DATETIME
);
CREATE INDEX calendar_tokens_user ON calendar_tokens(user_id);

-- One row per day on which the digest was sent: several servers may run, one sends.
CREATE TABLE digest_runs (
    run_on DATE PRIMARY KEY,
    started_at DATETIME NOT NULL
);
