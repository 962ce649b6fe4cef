-- The municipalities of the installation as data (issue 14, point 1): code, name, safety
-- region and their own settings (the programme start and the retention period; NULL: the
-- installation's default), and each one's historic outflow from detention (DJI figures),
-- which the forecast continues. Installations from before this migration register their
-- municipalities at the next start (the names come from the CBS list in the binary).
CREATE TABLE municipalities (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    safety_region TEXT,
    programme_start DATE,
    retention_years INTEGER,
    created_by TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE municipality_outflow (
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    year INTEGER NOT NULL,
    released INTEGER NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at DATETIME NOT NULL,
    PRIMARY KEY (municipality_code, year)
);
