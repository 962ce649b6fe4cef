-- Residents without a BSN (issue 12): a notification from a partner or from the person may
-- come without one. Such a resident has a provisional identity, clearly marked, with a
-- placeholder in `bsn` that is no BSN ("voorlopig-…"), until a coordinator records the
-- BSN; when a resident with that BSN is already known, the provisional one is merged into
-- it: its cases move there and `merged_into` says where they went (the row stays, as the
-- processing log names it).
ALTER TABLE residents ADD COLUMN provisional BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE residents ADD COLUMN merged_into INTEGER REFERENCES residents(id);
