//! Accounts: users, sessions, API and calendar tokens, the second factor, single sign-on.

mod second_factor;
mod secrets;
mod sessions;
mod sign_on;
mod tokens;
mod users;
