//! Accounts: sign-in, tokens and users.

pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod types;
