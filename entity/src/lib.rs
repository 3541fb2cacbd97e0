//! Qihang's storage model: one sea-orm entity per table and the enums stored in them.
//! No business rules live here; the `api` crate's services own those.

pub mod api_key;
pub mod base;
pub mod base_focus_area;
pub mod catalog_enums;
pub mod consent;
pub mod enums;
pub mod identity_reveal;
pub mod inquiry;
pub mod login_throttle;
pub mod partner;
pub mod producer_profile;
pub mod product;
pub mod product_image;
pub mod product_tag;
pub mod refresh_token;
pub mod region;
pub mod service_record;
pub mod trainee;
pub mod trainee_interest;
pub mod user;
pub mod user_base;

pub use catalog_enums::*;
pub use enums::*;
