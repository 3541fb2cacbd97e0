//! The GraphQL API: one folder per domain (types, inputs, queries, mutations, loaders) and
//! the shared plumbing in `common`; `guard` stands in front of the schema for every transport.
//!
//! Objects resolve their selected fields concurrently, so that loads of different fields
//! share batches. An object whose fields never wait on each other, because at most one of
//! them loads anything, is declared `#[Object(serial)]`: its fields are resolved in order,
//! without a concurrent set of futures per object. Those sets (`FuturesUnordered`, with an
//! allocation and a wake-up per field) took about 5 % of the nested query's CPU, most of
//! them for the many small objects of its lists (service records, regions).

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
