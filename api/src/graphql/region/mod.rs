//! Regions: the GB/T 2260 hierarchy.

pub mod loaders;
pub mod query;
pub mod types;
