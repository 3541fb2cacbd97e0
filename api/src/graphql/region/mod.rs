//! Regions: the GB/T 2260 hierarchy, served from memory.

pub mod query;
pub mod types;
