//! Incubation bases.

pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod types;
