//! The data subject's rights and the processing log: retention, the right of access, the
//! register of processing activities, the audit of the log's chains.

mod access;
mod audit;
mod register;
mod retention;
