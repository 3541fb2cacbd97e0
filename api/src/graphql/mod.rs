//! The GraphQL API: one folder per domain (types, inputs, queries, mutations, loaders) and
//! the shared plumbing in `common`; `guard` stands in front of the schema for every transport.

pub mod account;
pub mod base;
pub mod catalog;
pub mod common;
pub mod course;
pub mod guard;
pub mod region;
pub mod report;
pub mod schema;
pub mod star;
pub mod trainee;

pub use guard::Gateway;
pub use schema::{QihangSchema, build_schema};
