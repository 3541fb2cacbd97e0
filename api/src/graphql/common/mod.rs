//! What every domain's GraphQL code shares: scalars, pagination, user errors, loaders and
//! access to the request's caller.

pub mod batching;
pub mod context;
pub mod errors;
pub mod ids;
pub mod loaders;
pub mod pagination;
pub mod scalars;

pub use context::ContextExt;
pub use errors::{Payload, UserError, respond};
pub use loaders::Loaders;
