//! Supports, outcomes, targets and the region report.

pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod types;
