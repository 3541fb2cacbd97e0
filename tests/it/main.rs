//! Black-box tests of Qihang through the real router, one module per domain. They run on
//! SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod account;
mod base;
mod batching;
mod region;
mod schema;
mod support;
mod trainee;
mod trainee_import;
mod transport;
