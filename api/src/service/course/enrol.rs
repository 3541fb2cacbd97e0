//! Enrolment and dropping out. A seat is taken by one conditional UPDATE of the course row
//! (`seats_taken < capacity`) inside the enrolment's transaction: concurrent enrolments queue
//! on that row (PostgreSQL) or on the write lock (SQLite), so the capacity holds without a
//! read-then-write race; a CHECK constraint backs it up.

use entity::{CourseStatus, EnrollmentStatus, Role, course, enrollment};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

use super::{course_not_found, enrollment_not_found, enrollments_visible, visible};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::write::write;
use crate::service::{
    Problems, ServiceError, ServiceResult, UserError, UserErrorCode, now, trainee as trainees,
    validate,
};

fn duplicate() -> UserError {
    UserError::input("traineeId", UserErrorCode::Duplicate, "该学员已报名此课程")
}

/// Enrols a trainee in an OPEN course: a BASE_MANAGER its bases' trainees, an ADMIN those of
/// its region, a TRAINEE itself. A base's course takes only that base's trainees; a
/// network-wide course takes anyone. Once per trainee and course (`DUPLICATE`; a dropped
/// enrolment is taken up again); never beyond capacity (`CAPACITY_REACHED`).
pub async fn enroll(
    db: &DatabaseConnection,
    actor: &Actor,
    course_id: Uuid,
    trainee_id: Uuid,
) -> ServiceResult<enrollment::Model> {
    let user = actor.user()?;
    if !matches!(user.role, Role::Admin | Role::BaseManager | Role::Trainee) {
        return Err(AppError::Forbidden.into());
    }
    write(db)
        .duplicate(
            enrollment::Column::TraineeId,
            "traineeId",
            "该学员已报名此课程",
        )
        .run(async |txn| {
            let Some(trainee) = trainees::get(txn, actor, trainee_id).await? else {
                return Err(
                    UserError::input("traineeId", UserErrorCode::NotFound, "学员不存在").into(),
                );
            };
            let Some(course) = course::Entity::find_by_id(course_id)
                .filter(visible(actor))
                .one(txn)
                .await?
            else {
                return Err(course_not_found("courseId").into());
            };
            if course.base_id.is_some_and(|b| b != trainee.base_id) {
                return Err(UserError::input(
                    "courseId",
                    UserErrorCode::Invalid,
                    "该课程只面向开课基地的学员",
                )
                .into());
            }
            if course.status != CourseStatus::Open {
                return Err(not_open());
            }
            let existing = enrollment::Entity::find()
                .filter(enrollment::Column::CourseId.eq(course.id))
                .filter(enrollment::Column::TraineeId.eq(trainee.id))
                .one(txn)
                .await?;
            if existing
                .as_ref()
                .is_some_and(|e| e.status != EnrollmentStatus::Dropped)
            {
                return Err(duplicate().into());
            }
            take_seat(txn, course.id).await?;
            let now = now();
            let enrolled = match existing {
                Some(dropped) => {
                    let mut model: enrollment::ActiveModel = dropped.clone().into();
                    model.status = Set(EnrollmentStatus::Enrolled);
                    model.enrolled_at = Set(now);
                    model.dropped_at = Set(None);
                    model.drop_reason = Set(None);
                    model.updated_at = Set(now);
                    let result = enrollment::Entity::update_many()
                        .set(model)
                        .filter(enrollment::Column::Id.eq(dropped.id))
                        .filter(enrollment::Column::Status.eq(EnrollmentStatus::Dropped))
                        .exec(txn)
                        .await?;
                    if result.rows_affected != 1 {
                        return Err(duplicate().into());
                    }
                    enrollment::Entity::find_by_id(dropped.id)
                        .one(txn)
                        .await?
                        .ok_or(AppError::NotFound)?
                }
                // A concurrent enrolment of the same trainee fails on the unique index:
                // `write` reports it as DUPLICATE.
                None => {
                    enrollment::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        course_id: Set(course.id),
                        trainee_id: Set(trainee.id),
                        status: Set(EnrollmentStatus::Enrolled),
                        enrolled_at: Set(now),
                        completed_at: Set(None),
                        dropped_at: Set(None),
                        drop_reason: Set(None),
                        score: Set(None),
                        certificate_number: Set(None),
                        credited_region_code: Set(None),
                        attended_sessions: Set(0),
                        created_at: Set(now),
                        updated_at: Set(now),
                    }
                    .insert(txn)
                    .await?
                }
            };
            Ok(enrolled)
        })
        .await
}

fn not_open() -> ServiceError {
    UserError::input("courseId", UserErrorCode::InvalidState, "课程未开放报名").into()
}

/// Takes one seat of an OPEN course with a single conditional UPDATE; `CAPACITY_REACHED`
/// when none is left.
async fn take_seat(db: &impl ConnectionTrait, course_id: Uuid) -> ServiceResult<()> {
    let result = course::Entity::update_many()
        .col_expr(
            course::Column::SeatsTaken,
            Expr::col(course::Column::SeatsTaken).add(1),
        )
        .filter(course::Column::Id.eq(course_id))
        .filter(course::Column::Status.eq(CourseStatus::Open))
        .filter(
            course::Column::Capacity
                .is_null()
                .or(Expr::col(course::Column::SeatsTaken).lt(Expr::col(course::Column::Capacity))),
        )
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        return Ok(());
    }
    let status = course::Entity::find_by_id(course_id)
        .one(db)
        .await?
        .map(|c| c.status);
    if status == Some(CourseStatus::Open) {
        Err(UserError::input("courseId", UserErrorCode::CapacityReached, "课程名额已满").into())
    } else {
        Err(not_open())
    }
}

/// Takes a trainee out of a course and frees its seat: whoever may enrol the trainee.
/// Only an ENROLLED enrolment can be dropped (`INVALID_STATE` otherwise).
pub async fn drop(
    db: &DatabaseConnection,
    actor: &Actor,
    enrollment_id: Uuid,
    reason: Option<String>,
) -> ServiceResult<enrollment::Model> {
    let user = actor.user()?;
    if !matches!(user.role, Role::Admin | Role::BaseManager | Role::Trainee) {
        return Err(AppError::Forbidden.into());
    }
    let mut problems = Problems::default();
    let reason = validate::optional_text(&mut problems, "reason", reason.as_deref(), 200);
    problems.into_result()?;
    let reason = reason.flatten();
    write(db)
        .run(async |txn| {
            let Some(existing) = enrollment::Entity::find_by_id(enrollment_id)
                .filter(enrollments_visible(actor))
                .one(txn)
                .await?
            else {
                return Err(enrollment_not_found().into());
            };
            let now = now();
            let result = enrollment::Entity::update_many()
                .col_expr(
                    enrollment::Column::Status,
                    Expr::value(EnrollmentStatus::Dropped),
                )
                .col_expr(enrollment::Column::DroppedAt, Expr::value(now))
                .col_expr(enrollment::Column::DropReason, Expr::value(reason))
                .col_expr(enrollment::Column::UpdatedAt, Expr::value(now))
                .filter(enrollment::Column::Id.eq(existing.id))
                .filter(enrollment::Column::Status.eq(EnrollmentStatus::Enrolled))
                .exec(txn)
                .await?;
            if result.rows_affected != 1 {
                return Err(UserError::input(
                    "enrollmentId",
                    UserErrorCode::InvalidState,
                    "只能退出尚未结业的报名",
                )
                .into());
            }
            course::Entity::update_many()
                .col_expr(
                    course::Column::SeatsTaken,
                    Expr::col(course::Column::SeatsTaken).sub(1),
                )
                .filter(course::Column::Id.eq(existing.course_id))
                .filter(course::Column::SeatsTaken.gt(0))
                .exec(txn)
                .await?;
            let dropped = enrollment::Entity::find_by_id(existing.id)
                .one(txn)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(dropped)
        })
        .await
}
