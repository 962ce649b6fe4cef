-- A second factor (TOTP) for local accounts, and the short-lived step between password and code.

ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_required BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE login_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    pending_secret TEXT,
    expires_at DATETIME NOT NULL
);
