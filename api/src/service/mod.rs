//! Business rules, one module per domain. Services take the caller (`Actor`) and put its
//! scope into their SQL; they know nothing of GraphQL.

pub mod account;
pub mod base;
pub mod catalog;
pub mod columns;
pub mod course;
pub mod error;
pub mod labels;
pub mod lists;
pub mod money;
pub mod page;
pub mod region;
pub mod report;
pub mod scope;
pub mod spreadsheet;
pub mod star;
pub mod trainee;
pub mod validate;
pub mod write;

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

pub use error::{Problems, ServiceError, ServiceResult, UserError, UserErrorCode};

/// Starts a write transaction; mutations use [`write::write`], which builds on it. On SQLite it takes the write lock at `BEGIN IMMEDIATE`:
/// a deferred transaction that reads first and writes later fails with `SQLITE_BUSY` when
/// another writer got in between, whereas an immediate one waits for the busy timeout.
/// PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// The current time, truncated to microseconds so values read back from either database
/// compare equal to what was written.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    chrono::DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// Today's date in China (UTC+8): the date people there write on forms, which "not in the
/// future" checks must accept from midnight Beijing time.
pub fn china_today() -> chrono::NaiveDate {
    (now() + chrono::Duration::hours(8)).date_naive()
}
