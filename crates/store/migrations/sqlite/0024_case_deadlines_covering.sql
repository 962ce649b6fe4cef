-- What is due, counted from the index alone (issue 14, point 5): the day a deadline shows
-- from is added at the end of both indexes, so that the worklist's capped counts read no
-- table rows, and each part of a scope (one coordinator, the unassigned, the team) is one
-- range of an index read in the worklist's order.
DROP INDEX case_deadlines_scope;
DROP INDEX case_deadlines_team;
CREATE INDEX case_deadlines_scope ON case_deadlines(municipality_code, coordinator_id, due, kind_rank, case_id, shows_from);
CREATE INDEX case_deadlines_team ON case_deadlines(municipality_code, due, kind_rank, case_id, shows_from);
