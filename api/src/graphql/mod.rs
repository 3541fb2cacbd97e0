//! The GraphQL API: one folder per domain (types, inputs, queries, mutations, loaders) and
//! the shared plumbing in `common`.

pub mod account;
pub mod base;
pub mod catalog;
pub mod common;
pub mod region;
pub mod schema;
pub mod star;
pub mod trainee;

pub use schema::{QihangSchema, build_schema};
