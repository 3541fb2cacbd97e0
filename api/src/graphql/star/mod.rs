//! Internet star cultivation: star profiles, platform accounts, livestreams, growth series,
//! awards, and the live updates of the `Subscription` root.

pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod subscription;
pub mod types;
