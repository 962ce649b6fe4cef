//! Integration tests: the real application over HTTP, the real binary on the command
//! line, and a real headless browser, each on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A test is a scenario told from start to end; splitting it would hide what it checks.
#![allow(clippy::too_many_lines)]

mod common;

mod adr;
mod api;
mod backup;
mod browser;
mod brp;
mod cli;
mod crash;
mod evaluation;
mod fake_brp;
mod fake_zgw;
mod identity;
mod ldv;
mod matrix;
mod oidc;
mod partners;
mod privacy;
mod region;
mod schemathesis;
mod servers;
mod signals;
mod ui;
mod versions;
mod work;
mod zgw;
