-- Signals on a case (issue 12): what a coordinator must look at because something outside
-- their hands changed it — newer facts from the justice chain, or a notification whose
-- person differs from the resident held under its BSN. A signal is open until a
-- coordinator handles it (cleared_at, cleared_by); its detail says what happened. An
-- identity signal keeps who the notification named, so the coordinator can take it over.
CREATE TABLE case_signals (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    notified_family_name TEXT,
    notified_given_names TEXT,
    notified_birth_date DATE,
    raised_on DATE NOT NULL,
    raised_at DATETIME NOT NULL,
    cleared_at DATETIME,
    cleared_by TEXT
);
CREATE INDEX case_signals_case ON case_signals(case_id, cleared_at);
