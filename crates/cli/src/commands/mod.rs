//! One module per command of the `nazorg` binary: its flags (the clap types) and what it
//! does. `common` and `settings` hold what several commands share; no command module
//! uses another.

pub mod audit;
pub mod backup;
pub mod brp;
pub mod budget;
pub mod cases;
pub mod common;
pub mod demo;
pub mod digest;
pub mod export;
pub mod import;
pub mod municipality;
pub mod report;
pub mod retention;
pub mod serve;
pub mod settings;
pub mod token;
pub mod user;
pub mod worklist;
pub mod zgw;
