-- Several servers, one database (issue 14, point 8): a claim on a daily job holds until
-- lease_until; a run that was claimed but not finished by then (its server died) is
-- claimed again by the next server that checks, the same day. Runs from before are done.
ALTER TABLE digest_runs ADD COLUMN lease_until DATETIME;
ALTER TABLE digest_runs ADD COLUMN finished_at DATETIME;
UPDATE digest_runs SET finished_at = started_at;
ALTER TABLE retention_runs ADD COLUMN lease_until DATETIME;
ALTER TABLE retention_runs ADD COLUMN finished_at DATETIME;
UPDATE retention_runs SET finished_at = started_at;
