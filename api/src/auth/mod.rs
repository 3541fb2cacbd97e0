//! Who is calling: passwords, access tokens, refresh tokens, login throttling, account
//! states (deactivation, revoked tokens) and the resulting `Actor` with its scope.

pub mod account_state;
pub mod actor;
pub mod address_limit;
pub mod api_key;
pub mod password;
pub mod refresh;
pub mod throttle;
pub mod token;

pub use actor::{Actor, RegionScope, UserActor};
