//! The catalog: products, producer profiles, partners with their API keys, and inquiries.

pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod subscription;
pub mod types;
