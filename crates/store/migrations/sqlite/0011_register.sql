-- The register of processing activities (issue 3): per municipality the name, purpose and
-- legal ground of each activity; the processing log states them as they were at the time.
-- Rows are made from the defaults (nazorg_domain::register) when first changed.
CREATE TABLE processing_activities (
    municipality_code TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    purpose TEXT NOT NULL,
    legal_ground TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (municipality_code, code)
);
