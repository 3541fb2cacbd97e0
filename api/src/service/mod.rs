//! Business rules, one module per domain. Services take the caller (`Actor`) and put its
//! scope into their SQL; they know nothing of GraphQL.

pub mod account;
pub mod base;
pub mod categories;
pub mod error;
pub mod page;
pub mod region;
pub mod trainee;
pub mod validate;

pub use error::{Problems, ServiceError, ServiceResult, UserError, UserErrorCode};

/// The current time, truncated to microseconds so values read back from either database
/// compare equal to what was written.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    chrono::DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}
