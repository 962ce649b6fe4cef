-- Versions of the records besides cases that a change replaces (issue 12): a budget
-- line's cap and a service's price. A change names the version it was read at and is
-- refused when the record changed after it, as a case's parts are.
ALTER TABLE budget_lines ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE service_kinds ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
