//! Qihang's storage model: one sea-orm entity per table and the enums stored in them.
//! No business rules live here; the `api` crate's services own those.

pub mod base;
pub mod enums;
pub mod refresh_token;
pub mod region;
pub mod user;
pub mod user_base;

pub use enums::*;
