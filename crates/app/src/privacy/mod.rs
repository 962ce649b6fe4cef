//! The data subject's rights and the processing log: retention, the right of access, the
//! register of processing activities, the audit of the log's chains.

mod access;
mod audit;
mod ldv;
mod register;
mod retention;
pub use ldv::LdvSettings;
