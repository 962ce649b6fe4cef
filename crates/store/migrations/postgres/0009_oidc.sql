-- Single sign-on with OpenID Connect: which provider account a user is, and the sign-ins
-- under way (state, PKCE verifier and nonce, kept here so any instance can finish them).

ALTER TABLE users ADD COLUMN oidc_issuer TEXT;
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX users_oidc_subject ON users(oidc_issuer, oidc_subject);

CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    pkce_verifier TEXT NOT NULL,
    nonce TEXT NOT NULL,
    next_path TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
