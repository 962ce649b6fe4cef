-- A list page shows many residents at once: one processing-log entry, and here the
-- residents and cases it showed, so that each resident's overview of processings includes
-- the lists they appeared in (issue 3). Written in the same transaction as the entry.
CREATE TABLE processing_log_subjects (
    log_id INTEGER NOT NULL REFERENCES processing_log(id),
    resident_id INTEGER NOT NULL,
    case_id INTEGER NOT NULL,
    PRIMARY KEY (log_id, case_id)
);
CREATE INDEX processing_log_subjects_resident ON processing_log_subjects(resident_id, log_id);
