//! Courses, sessions, enrolments, attendance and certificates.

pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod types;
