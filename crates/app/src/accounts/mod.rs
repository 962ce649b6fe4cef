//! Accounts: users, sessions, API and calendar tokens, the second factor, single sign-on.

mod second_factor;
pub(crate) mod secrets;
mod sessions;
mod sign_on;
mod tokens;
mod users;

pub use secrets::{
    MIN_PASSWORD, SEALED, check_password, hash_password, new_token, new_totp_secret,
    parse_secret_key, token_hash, totp_matches, totp_uri, verify_password,
};
pub(crate) use secrets::{SecretKey, hmac_hex, random_hex};
pub use users::DemoUser;
