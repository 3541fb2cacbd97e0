//! Qihang's storage model: one sea-orm entity per table and the enums stored in them.
//! No business rules live here; the `api` crate's services own those.

pub mod attendance;
pub mod base;
pub mod base_focus_area;
pub mod consent;
pub mod course;
pub mod course_accessibility;
pub mod course_session;
pub mod enrollment;
pub mod enums;
pub mod identity_reveal;
pub mod login_throttle;
pub mod outcome;
pub mod refresh_token;
pub mod region;
pub mod service_record;
pub mod support_record;
pub mod target;
pub mod trainee;
pub mod trainee_import;
pub mod trainee_interest;
pub mod user;
pub mod user_base;

pub use enums::*;
