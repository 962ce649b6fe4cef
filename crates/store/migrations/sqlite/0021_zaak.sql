-- The case in the zaaksysteem (issue 13, point 2). A case is registered as a zaak and
-- every change of phase, and at closure the resultaat, is posted to it, through the
-- outbox: the outbox holds one call per case ("bring the zaak up to date"), and what is
-- to be posted waits here, in the order it happened, until the zaaksysteem has it. An
-- update that was sent but whose answer never came (tried_at set, sent_at not) is looked
-- for in the zaaksysteem before it is sent again, so that nothing is posted twice.
CREATE TABLE zaak_updates (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    -- 'status' (the phase the case reached) or 'resultaat' (the closing reason).
    kind TEXT NOT NULL,
    phase TEXT,
    closing_reason TEXT,
    happened_at DATETIME NOT NULL,
    tried_at DATETIME,
    sent_at DATETIME,
    -- What the zaaksysteem made of it: the status's or resultaat's URL and its type.
    remote_url TEXT,
    remote_type TEXT
);
CREATE INDEX zaak_updates_case ON zaak_updates(case_id, id);

-- The zaak of the case, once registered: its URL in the Zaken API and its identificatie.
ALTER TABLE cases ADD COLUMN zaak_url TEXT;
ALTER TABLE cases ADD COLUMN zaak_identificatie TEXT;
