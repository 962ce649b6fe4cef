-- Nazorg schema, SQLite. Every personal-data table carries the municipality (CBS code)
-- so that one database can serve several municipalities.
PRAGMA foreign_keys = ON;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    revoked_at DATETIME
);

CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at DATETIME NOT NULL,
    used_at DATETIME
);

CREATE TABLE residents (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    bsn TEXT NOT NULL,
    family_name TEXT NOT NULL,
    given_names TEXT NOT NULL,
    birth_date DATE,
    search_name TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (municipality_code, bsn)
);
CREATE INDEX residents_search ON residents(municipality_code, search_name);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    resident_id INTEGER NOT NULL REFERENCES residents(id),
    institution TEXT NOT NULL,
    detention_start DATE NOT NULL,
    expected_release DATE,
    actual_release DATE,
    last_residence_code TEXT,
    brp_status TEXT,
    sentence TEXT,
    status TEXT NOT NULL,
    is_open BOOLEAN NOT NULL,
    eligibility TEXT NOT NULL,
    eligibility_reasons TEXT NOT NULL,
    override_eligibility TEXT,
    override_reason TEXT,
    override_by TEXT,
    override_at DATETIME,
    eligibility_in_force TEXT NOT NULL,
    coordinator_id INTEGER REFERENCES users(id),
    direction TEXT,
    direction_reason TEXT,
    direction_since DATE,
    offer_outcome TEXT,
    offer_date DATE,
    offer_contact_kind TEXT,
    triage_note TEXT NOT NULL DEFAULT '',
    ready_housing BOOLEAN NOT NULL DEFAULT FALSE,
    ready_brp BOOLEAN NOT NULL DEFAULT FALSE,
    ready_id BOOLEAN NOT NULL DEFAULT FALSE,
    ready_income BOOLEAN NOT NULL DEFAULT FALSE,
    aftercare_end DATE,
    closing_reason TEXT,
    overall_result TEXT,
    closing_note TEXT,
    closed_on DATE,
    notified_on DATE NOT NULL,
    last_step_on DATE NOT NULL,
    action_due DATE NOT NULL,
    next_action TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (resident_id, detention_start)
);
CREATE INDEX cases_open ON cases(municipality_code, is_open, action_due, id);
CREATE INDEX cases_status ON cases(municipality_code, status, action_due, id);
CREATE INDEX cases_direction ON cases(municipality_code, direction, is_open, action_due, id);
CREATE INDEX cases_coordinator ON cases(municipality_code, coordinator_id, is_open, action_due, id);
CREATE INDEX cases_all ON cases(municipality_code, action_due, id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    source TEXT NOT NULL,
    received_at DATETIME NOT NULL
);
CREATE INDEX notifications_case ON notifications(case_id);

CREATE TABLE triage_domains (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    domain TEXT NOT NULL,
    need TEXT NOT NULL,
    self_reliance TEXT NOT NULL,
    PRIMARY KEY (case_id, domain)
);

CREATE TABLE agreements (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    domain TEXT NOT NULL,
    description TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_date DATE,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    done_on DATE,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX agreements_case ON agreements(case_id);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    contact_date DATE NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX contacts_case ON contacts(case_id, contact_date);

CREATE TABLE household_members (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    relation TEXT NOT NULL,
    is_minor BOOLEAN NOT NULL,
    support_need TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX household_case ON household_members(case_id);

CREATE TABLE closure_results (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    domain TEXT NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (case_id, domain)
);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at DATETIME NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, id);

-- Who processed whose personal data, when, how and why. Written by the store's gate in
-- the same transaction as the processing; never updated or deleted by the application.
CREATE TABLE processing_log (
    id INTEGER PRIMARY KEY,
    at DATETIME NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    resident_id INTEGER,
    case_id INTEGER,
    purpose TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX processing_log_resident ON processing_log(resident_id, id);
