//! Creating and changing courses.

use chrono::NaiveDate;
use entity::{
    AccessibilityFeature, CourseStatus, DeliveryMode, Role, TrainingCategory, course,
    course_accessibility, user, user_base,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

use super::{course_not_found, managed, rules, stale};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::lists;
use crate::service::scope::Scope;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};

/// Largest number of hours and of seats a course may have.
const MAX_HOURS: i32 = 10_000;
const MAX_CAPACITY: i32 = 100_000;

/// What `createCourse` asks for.
#[derive(Debug, Clone)]
pub struct NewCourse {
    /// None: a network-wide course (ADMIN only).
    pub base_id: Option<Uuid>,
    pub title: String,
    pub description: Option<String>,
    pub category: TrainingCategory,
    pub delivery_mode: DeliveryMode,
    pub accessibility: Vec<AccessibilityFeature>,
    pub instructor_id: Option<Uuid>,
    pub hours: i32,
    pub capacity: Option<i32>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

/// What `updateCourse` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CourseChanges {
    pub id: Uuid,
    pub version: i32,
    pub title: Option<String>,
    /// `Some("")` removes the description.
    pub description: Option<String>,
    pub status: Option<CourseStatus>,
    pub accessibility: Option<Vec<AccessibilityFeature>>,
    pub capacity: Option<i32>,
    pub instructor_id: Option<Uuid>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

fn check_hours(problems: &mut Problems, hours: i32) {
    if !(1..=MAX_HOURS).contains(&hours) {
        problems.add(
            "hours",
            UserErrorCode::Invalid,
            format!("课时须在 1 到 {MAX_HOURS} 之间"),
        );
    }
}

fn check_capacity(problems: &mut Problems, capacity: Option<i32>) {
    if capacity.is_some_and(|c| !(1..=MAX_CAPACITY).contains(&c)) {
        problems.add(
            "capacity",
            UserErrorCode::Invalid,
            format!("名额须在 1 到 {MAX_CAPACITY} 之间"),
        );
    }
}

fn check_dates(problems: &mut Problems, starts_on: Option<NaiveDate>, ends_on: Option<NaiveDate>) {
    if let (Some(start), Some(end)) = (starts_on, ends_on)
        && end < start
    {
        problems.add("endsOn", UserErrorCode::Invalid, "结束日期不能早于开始日期");
    }
}

/// Whether `instructor_id` may teach a course of `base_id`: an INSTRUCTOR or BASE_MANAGER
/// account that works at that base (any such account for a network-wide course).
async fn is_eligible_instructor(
    db: &impl ConnectionTrait,
    base_id: Option<Uuid>,
    instructor_id: Uuid,
) -> Result<bool, DbErr> {
    let eligible = user::Entity::find_by_id(instructor_id)
        .filter(user::Column::Role.is_in([Role::Instructor, Role::BaseManager]))
        .one(db)
        .await?
        .is_some();
    let Some(base_id) = base_id else {
        return Ok(eligible);
    };
    Ok(eligible
        && user_base::Entity::find_by_id((instructor_id, base_id))
            .one(db)
            .await?
            .is_some())
}

fn instructor_not_found() -> UserError {
    UserError::input(
        "instructorId",
        UserErrorCode::NotFound,
        "讲师不存在或不在该基地任职",
    )
}

/// Creates a course in DRAFT: at a base the caller governs, or network-wide (no base) by an
/// ADMIN, governed by the ADMIN's region.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewCourse,
) -> ServiceResult<course::Model> {
    // Staff create courses: an ADMIN or a BASE_MANAGER.
    let user = Scope::of(actor).staff()?;
    let mut problems = Problems::default();
    let title = validate::text(&mut problems, "title", &input.title, 1, 100);
    let description = validate::optional_text(
        &mut problems,
        "description",
        input.description.as_deref(),
        2000,
    );
    check_hours(&mut problems, input.hours);
    check_capacity(&mut problems, input.capacity);
    check_dates(&mut problems, input.starts_on, input.ends_on);

    write(db)
        .run(async |txn| {
            let (base_id, region_code) = match input.base_id {
                Some(base_id) => {
                    let base = entity::base::Entity::find_by_id(base_id)
                        .one(txn)
                        .await?
                        .filter(|b| Scope::of(actor).governs_base(b));
                    match base {
                        Some(base) => (Some(base.id), Some(base.region_code)),
                        None => {
                            problems.add(
                                "baseId",
                                UserErrorCode::NotFound,
                                "基地不存在或不在您的管辖范围内",
                            );
                            (None, None)
                        }
                    }
                }
                None if user.role == Role::Admin => (None, user.region_code.clone()),
                None => {
                    problems.add("baseId", UserErrorCode::Required, "请选择开课基地");
                    (None, None)
                }
            };
            if let Some(instructor_id) = input.instructor_id
                && !is_eligible_instructor(txn, base_id, instructor_id).await?
            {
                problems.push(instructor_not_found());
            }
            problems.into_result()?;
            let (Some(title), Some(description)) = (title, description) else {
                return Err(AppError::internal(anyhow::anyhow!(
                    "validated course input incomplete"
                ))
                .into());
            };
            let now = now();
            let created = course::ActiveModel {
                id: Set(Uuid::now_v7()),
                base_id: Set(base_id),
                region_code: Set(region_code),
                title: Set(title),
                description: Set(description),
                category: Set(input.category),
                delivery_mode: Set(input.delivery_mode),
                hours: Set(input.hours),
                capacity: Set(input.capacity),
                seats_taken: Set(0),
                starts_on: Set(input.starts_on),
                ends_on: Set(input.ends_on),
                status: Set(CourseStatus::Draft),
                instructor_id: Set(input.instructor_id),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(txn)
            .await?;
            lists::insert::<course_accessibility::Entity>(
                txn,
                [(created.id, input.accessibility.clone())],
            )
            .await?;
            Ok(created)
        })
        .await
}

/// Changes a course the caller manages, guarded by `version`. Status moves one step at a
/// time (`INVALID_STATE` otherwise); capacity never drops below the seats taken, checked in
/// the UPDATE itself so that a concurrent enrolment cannot slip in between. An INSTRUCTOR
/// may not hand its course to someone else.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    changes: CourseChanges,
) -> ServiceResult<course::Model> {
    let user = actor.user()?;
    match user.role {
        Role::Admin | Role::BaseManager => {}
        Role::Instructor if changes.instructor_id.is_none() => {}
        _ => return Err(AppError::Forbidden.into()),
    }
    write(db)
        .run(async |txn| {
            let Some(existing) = course::Entity::find_by_id(changes.id)
                .filter(managed(actor))
                .one(txn)
                .await?
            else {
                return Err(course_not_found("id").into());
            };
            if existing.version != changes.version {
                return Err(stale().into());
            }
            let mut problems = Problems::default();
            let mut model: course::ActiveModel = existing.clone().into();
            if let Some(title) = changes.title.as_deref()
                && let Some(title) = validate::text(&mut problems, "title", title, 1, 100)
            {
                model.title = Set(title);
            }
            if changes.description.is_some()
                && let Some(description) = validate::optional_text(
                    &mut problems,
                    "description",
                    changes.description.as_deref(),
                    2000,
                )
            {
                model.description = Set(description);
            }
            if let Some(status) = changes.status {
                if rules::may_move(existing.status, status) {
                    model.status = Set(status);
                } else {
                    problems.add(
                        "status",
                        UserErrorCode::InvalidState,
                        "课程状态只能依次从草稿变为开放报名、结束报名、归档",
                    );
                }
            }
            check_capacity(&mut problems, changes.capacity);
            if let Some(capacity) = changes.capacity {
                model.capacity = Set(Some(capacity));
            }
            let starts_on = changes.starts_on.or(existing.starts_on);
            let ends_on = changes.ends_on.or(existing.ends_on);
            check_dates(&mut problems, starts_on, ends_on);
            model.starts_on = Set(starts_on);
            model.ends_on = Set(ends_on);
            if let Some(instructor_id) = changes.instructor_id {
                if is_eligible_instructor(txn, existing.base_id, instructor_id).await? {
                    model.instructor_id = Set(Some(instructor_id));
                } else {
                    problems.push(instructor_not_found());
                }
            }
            problems.into_result()?;
            model.version = Set(existing.version + 1);
            model.updated_at = Set(now());

            let mut update = course::Entity::update_many()
                .set(model)
                .filter(course::Column::Id.eq(existing.id))
                .filter(course::Column::Version.eq(existing.version));
            if let Some(capacity) = changes.capacity {
                update = update.filter(course::Column::SeatsTaken.lte(capacity));
            }
            if update.exec(txn).await?.rows_affected != 1 {
                let current = course::Entity::find_by_id(existing.id)
                    .one(txn)
                    .await?
                    .ok_or(AppError::NotFound)?;
                return Err(if current.version != existing.version {
                    stale()
                } else {
                    UserError::input(
                        "capacity",
                        UserErrorCode::Invalid,
                        format!("名额不能少于已报名人数（{}）", current.seats_taken),
                    )
                }
                .into());
            }
            if let Some(features) = &changes.accessibility {
                lists::replace::<course_accessibility::Entity>(txn, existing.id, features).await?;
            }
            let updated = course::Entity::find_by_id(existing.id)
                .one(txn)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(updated)
        })
        .await
}
