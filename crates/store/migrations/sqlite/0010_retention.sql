-- Retention (issue 3): closed cases are anonymised after the retention period. The case
-- keeps what the figures need (dates, phase, direction, triage, results, referrals and
-- their amounts); names, BSN, notes and contacts go. One run per municipality per day.
ALTER TABLE cases ADD COLUMN anonymised_at DATETIME;
CREATE INDEX cases_retention ON cases(municipality_code, closed_on) WHERE anonymised_at IS NULL AND closed_on IS NOT NULL;

CREATE TABLE retention_runs (
    municipality_code TEXT NOT NULL,
    run_on DATE NOT NULL,
    started_at DATETIME NOT NULL,
    cases INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (municipality_code, run_on)
);
