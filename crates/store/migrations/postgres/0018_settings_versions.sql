-- Versions of the texts of the register of processing activities and of the capacity
-- assumptions (issue 12): a form names the version it showed (0 while the defaults
-- stand) and a save over a change made after it is refused.
ALTER TABLE processing_activities ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE capacity_settings ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
