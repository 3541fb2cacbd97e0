//! Changing a trainee: versioned updates and transfers between bases.

use entity::{
    EducationLevel, EmploymentStatus, Residence, Role, TraineeStatus, TrainingCategory, trainee,
    trainee_interest,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use super::identity::{self};
use super::{get, governed_base, not_found, staff, stale};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::lists;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};

/// What `updateTrainee` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TraineeChanges {
    pub id: Uuid,
    pub version: i32,
    pub name: Option<String>,
    /// `Some("")` removes the phone number.
    pub phone: Option<String>,
    pub residence: Option<Residence>,
    pub education: Option<EducationLevel>,
    pub employment_status: Option<EmploymentStatus>,
    pub status: Option<TraineeStatus>,
    pub interests: Option<Vec<TrainingCategory>>,
}

/// Updates a trainee the caller manages, guarded by `version`. A TRAINEE may change only its
/// own phone and interests.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    changes: TraineeChanges,
) -> ServiceResult<trainee::Model> {
    let user = actor.user()?;
    match user.role {
        Role::Admin | Role::BaseManager => {}
        Role::Trainee => {
            let touches_more = changes.name.is_some()
                || changes.residence.is_some()
                || changes.education.is_some()
                || changes.employment_status.is_some()
                || changes.status.is_some();
            if touches_more {
                return Err(AppError::Forbidden.into());
            }
        }
        Role::Instructor | Role::Partner => return Err(AppError::Forbidden.into()),
    }
    write(db)
        .run(async |txn| {
            let Some(existing) = get(txn, actor, changes.id).await? else {
                return Err(not_found("id").into());
            };
            if existing.version != changes.version {
                return Err(stale().into());
            }
            let mut problems = Problems::default();
            let mut model: trainee::ActiveModel = existing.clone().into();
            if let Some(name) = changes.name.as_deref()
                && let Some(name) = validate::text(&mut problems, "name", name, 1, 50)
            {
                model.name = Set(name);
            }
            match changes.phone.as_deref().map(str::trim) {
                None => {}
                Some("") => model.phone = Set(None),
                Some(phone) => match identity::parse_mobile_phone(phone) {
                    Ok(phone) => model.phone = Set(Some(phone)),
                    Err(e) => problems.add("phone", UserErrorCode::Invalid, e.message()),
                },
            }
            if let Some(residence) = changes.residence {
                model.residence = Set(residence);
            }
            if changes.education.is_some() {
                model.education = Set(changes.education);
            }
            if let Some(status) = changes.employment_status {
                model.employment_status = Set(status);
            }
            if let Some(status) = changes.status {
                model.status = Set(status);
            }
            problems.into_result()?;
            save_versioned(txn, existing.id, model, existing.version).await?;
            if let Some(interests) = &changes.interests {
                lists::replace::<trainee_interest::Entity>(txn, existing.id, interests).await?;
            }
            let updated = trainee::Entity::find_by_id(changes.id)
                .one(txn)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(updated)
        })
        .await
}

/// Writes `model` if the row still has `version`; bumps the version and `updated_at`.
async fn save_versioned(
    db: &impl ConnectionTrait,
    id: Uuid,
    mut model: trainee::ActiveModel,
    version: i32,
) -> ServiceResult<()> {
    model.version = Set(version + 1);
    model.updated_at = Set(now());
    let result = trainee::Entity::update_many()
        .set(model)
        .filter(trainee::Column::Id.eq(id))
        .filter(trainee::Column::Version.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(stale().into())
    }
}

/// Moves a trainee to another base. The caller must govern both bases: an ADMIN covering
/// both regions or a manager of both. Records stay with the person.
pub async fn transfer(
    db: &DatabaseConnection,
    actor: &Actor,
    trainee_id: Uuid,
    to_base_id: Uuid,
) -> ServiceResult<trainee::Model> {
    let user = staff(actor)?;
    write(db)
        .run(async |txn| {
            let Some(existing) = get(txn, actor, trainee_id).await? else {
                return Err(not_found("traineeId").into());
            };
            let Some(target) = governed_base(txn, user, to_base_id).await? else {
                return Err(UserError::input(
                    "toBaseId",
                    UserErrorCode::NotFound,
                    "目标基地不存在或不在您的管辖范围内",
                )
                .into());
            };
            if target.id == existing.base_id {
                return Err(
                    UserError::input("toBaseId", UserErrorCode::Invalid, "学员已在该基地").into(),
                );
            }
            let mut model: trainee::ActiveModel = existing.clone().into();
            model.base_id = Set(target.id);
            save_versioned(txn, existing.id, model, existing.version).await?;
            let moved = trainee::Entity::find_by_id(trainee_id)
                .one(txn)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(moved)
        })
        .await
}
