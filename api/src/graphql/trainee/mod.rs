//! Trainees: registration, the scoped list, updates, transfers, reveals, imports and the
//! "four ones" employment services.

pub mod imports;
pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod types;
