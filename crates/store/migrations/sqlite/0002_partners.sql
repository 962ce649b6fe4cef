-- Partners, referrals, the budget and the safety chamber's agenda.

CREATE TABLE partners (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (municipality_code, name)
);

ALTER TABLE users ADD COLUMN partner_id INTEGER REFERENCES partners(id);

CREATE TABLE service_kinds (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    partner_kind TEXT NOT NULL,
    name TEXT NOT NULL,
    price_cents INTEGER NOT NULL,
    budget_line TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (municipality_code, name)
);

CREATE TABLE budget_lines (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    cap_cents INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (municipality_code, year, code)
);

CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    partner_id INTEGER NOT NULL REFERENCES partners(id),
    household_member_id INTEGER REFERENCES household_members(id),
    domains TEXT NOT NULL,
    reason TEXT NOT NULL,
    service_kind_id INTEGER REFERENCES service_kinds(id),
    price_cents INTEGER,
    budget_line TEXT,
    budget_year INTEGER,
    over_cap_reason TEXT,
    status TEXT NOT NULL,
    asked_on DATE NOT NULL,
    accepted_on DATE,
    started_on DATE,
    ended_on DATE,
    return_reason TEXT,
    result TEXT,
    result_note TEXT,
    acknowledged_at DATETIME,
    created_by TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX referrals_partner ON referrals(municipality_code, partner_id, status, id);
CREATE INDEX referrals_case ON referrals(case_id, id);
CREATE INDEX referrals_budget ON referrals(municipality_code, budget_year, budget_line);
CREATE INDEX referrals_finished ON referrals(municipality_code, status, acknowledged_at);

CREATE TABLE referral_notes (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referrals(id),
    note_date DATE NOT NULL,
    step TEXT NOT NULL,
    note TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX referral_notes_referral ON referral_notes(referral_id, id);

CREATE TABLE safety_agenda_items (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    put_on DATE NOT NULL,
    reason TEXT NOT NULL,
    discussed_on DATE,
    outcome TEXT,
    follow_up TEXT,
    created_by TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX safety_agenda_case ON safety_agenda_items(case_id, id);
CREATE INDEX safety_agenda_open ON safety_agenda_items(municipality_code, discussed_on, put_on);
