//! Trainees: registration with separate consent, scope-limited reading, versioned updates,
//! transfers between bases, audited reveals of the full identity numbers, and imports.
//!
//! Who sees a trainee is decided in SQL by [`visible`], built from the shared
//! [`Scope`](crate::service::scope::Scope): an ADMIN the trainees of bases in its region, a
//! BASE_MANAGER those of its bases, a TRAINEE itself, everyone else nobody.

mod change;
pub mod employment;
pub mod identity;
pub mod import;
pub mod import_file;
mod query;
mod registration;
mod reveal;

pub use change::{TraineeChanges, transfer, update};
pub use query::{
    TraineeFilter, TraineeOrder, TraineeSort, by_ids, count, count_per_base, first_per_base, get,
    list, select, visible,
};
pub use registration::{Registration, ValidRegistration, check, register};
pub use reveal::{Revealed, count_reveals, reveal, reveals};

use registration::{governed_base, is_unique_violation, new_rows};

use super::scope::Scope;
use super::{UserError, UserErrorCode};
use crate::auth::{Actor, UserActor};
use crate::error::AppError;

/// What the registration form asks the person to agree to (PIPL art. 29).
pub const CONSENT_PURPOSE: &str = "为提供残疾人网络创业孵化服务（登记、培训、就业帮扶与统计上报），处理本人的身份证号与残疾人证信息";
/// Version of the consent text shown with the form.
pub const CONSENT_TEXT_VERSION: &str = "2026-11";

/// Associated data binding each ciphertext to its column.
const AD_ID_NUMBER: &[u8] = b"trainee.id_number";
const AD_CERTIFICATE: &[u8] = b"trainee.certificate";

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
