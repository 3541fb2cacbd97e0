//! Qihang's storage model: one sea-orm entity per table and the enums stored in them.
//! No business rules live here; the `api` crate's services own those.

pub mod api_key;
pub mod attendance;
pub mod award;
pub mod base;
pub mod base_focus_area;
pub mod catalog_enums;
pub mod competition;
pub mod consent;
pub mod course;
pub mod course_accessibility;
pub mod course_session;
pub mod enrollment;
pub mod enums;
pub mod follower_snapshot;
pub mod identity_reveal;
pub mod inquiry;
pub mod livestream;
pub mod livestream_product;
pub mod login_throttle;
pub mod outcome;
pub mod partner;
pub mod platform_account;
pub mod producer_profile;
pub mod product;
pub mod product_image;
pub mod product_tag;
pub mod refresh_token;
pub mod region;
pub mod service_record;
pub mod star_profile;
pub mod star_stage_change;
pub mod support_record;
pub mod target;
pub mod trainee;
pub mod trainee_import;
pub mod trainee_interest;
pub mod user;
pub mod user_base;

pub use catalog_enums::*;
pub use enums::*;
pub use platform_account::Platform;
pub use star_profile::StarStage;
