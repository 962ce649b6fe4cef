-- The evaluation (issue 5): whether a resident was already known to the SKT or the
-- safety chamber (recorded at triage; NULL = not recorded), the assumptions of the
-- capacity estimate, and the secret key behind the stable pseudonyms of the
-- pseudonymised export.
ALTER TABLE cases ADD COLUMN known_to_skt BOOLEAN;
ALTER TABLE cases ADD COLUMN known_to_safety_chamber BOOLEAN;
CREATE INDEX cases_detention_start ON cases(municipality_code, detention_start);

CREATE TABLE capacity_settings (
    municipality_code TEXT PRIMARY KEY,
    hours_light BIGINT NOT NULL,
    hours_skt BIGINT NOT NULL,
    hours_exodus BIGINT NOT NULL,
    hourly_cost_cents BIGINT NOT NULL,
    skt_price_cents BIGINT NOT NULL,
    exodus_price_cents BIGINT NOT NULL,
    default_uptake_pct BIGINT NOT NULL,
    default_skt_pct BIGINT NOT NULL,
    default_exodus_pct BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE pseudonym_keys (
    municipality_code TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
