//! Black-box tests of Qihang through the real router, one module per domain. They run on
//! SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod account;
mod account_admin;
mod base;
mod batching;
mod catalog;
mod course;
mod course_access;
mod course_enrollment;
mod demo;
mod fuzz;
mod ids;
mod limits;
mod lists;
mod login_limits;
mod paging;
mod personal_data;
mod region;
mod report;
mod report_export;
mod schema;
mod sessions;
mod star;
mod star_account;
mod star_award;
mod star_live;
mod star_livestream;
mod support;
mod trainee;
mod trainee_import;
mod trainee_import_rules;
mod transport;
mod write;
