//! Trainees: registration with separate consent, scope-limited reading, versioned updates,
//! transfers between bases, audited reveals of the full identity numbers, imports, and the
//! personal numbers sealed to their row.
//!
//! Who sees a trainee is decided in SQL by [`visible`], built from the shared
//! [`Scope`](crate::service::scope::Scope): an ADMIN the trainees of bases in its region, a
//! BASE_MANAGER those of its bases, a TRAINEE itself, an INSTRUCTOR the trainees enrolled in
//! its own courses (never their personal fields), everyone else nobody.

mod change;
pub mod employment;
pub mod identity;
pub mod import;
mod query;
mod registration;
mod reveal;
mod row;
mod sealed;

pub use change::{TraineeChanges, transfer, update};
pub use query::{
    TraineeFilter, TraineeOrder, TraineeSort, base_relation, by_ids, by_ids_with_base, count,
    count_per_base, first_per_base, get, list, may_read_personal_fields, select, visible,
};
pub use registration::{Registration, ValidRegistration, check, register};
pub use reveal::{Revealed, count_reveals, reveal, reveals};
pub use row::{TraineeColumns, TraineePersonal, TraineeRow};
pub use sealed::{SealingUpgrade, phone, upgrade_sealing};

use registration::{governed_base, is_unique_violation, new_rows};

use super::scope::Scope;
use super::{UserError, UserErrorCode};
use crate::auth::{Actor, UserActor};
use crate::error::AppError;

/// What the registration form asks the person to agree to (PIPL art. 29).
pub const CONSENT_PURPOSE: &str = "为提供残疾人网络创业孵化服务（登记、培训、就业帮扶与统计上报），处理本人的身份证号与残疾人证信息";
/// Version of the consent text shown with the form.
pub const CONSENT_TEXT_VERSION: &str = "2026-11";

/// The staff member allowed to register and manage trainees: an ADMIN or a BASE_MANAGER.
fn staff(actor: &Actor) -> Result<&UserActor, AppError> {
    Scope::of(actor).staff()
}

fn stale() -> UserError {
    UserError::input(
        "version",
        UserErrorCode::StaleVersion,
        "学员信息已被他人修改，请刷新后重试",
    )
}

fn not_found(field: &str) -> UserError {
    UserError::input(field, UserErrorCode::NotFound, "学员不存在")
}
