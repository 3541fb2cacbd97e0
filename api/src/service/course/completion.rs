//! Completion: once per enrolment, with a unique certificate number and the region credited
//! with the training person-time.

use chrono::Datelike;
use entity::{CourseStatus, EnrollmentStatus, Role, base, course, enrollment, trainee};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{enrollment_not_found, enrollments_visible, managed, rules};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::write::write;
use crate::service::{ServiceResult, UserError, UserErrorCode, now};

/// Marks an enrolment of a course the caller manages as completed, with an optional score
/// 0–100, and issues its certificate number. Once only (`INVALID_STATE` after that).
pub async fn complete(
    db: &DatabaseConnection,
    actor: &Actor,
    enrollment_id: Uuid,
    score: Option<i32>,
) -> ServiceResult<enrollment::Model> {
    let user = actor.user()?;
    if !matches!(
        user.role,
        Role::Admin | Role::BaseManager | Role::Instructor
    ) {
        return Err(AppError::Forbidden.into());
    }
    if score.is_some_and(|s| !(0..=100).contains(&s)) {
        return Err(
            UserError::input("score", UserErrorCode::Invalid, "成绩须在 0 到 100 之间").into(),
        );
    }
    write(db)
        .duplicate(
            enrollment::Column::CertificateNumber,
            "enrollmentId",
            "证书编号冲突，请重试",
        )
        .run(async |txn| {
            let managed_courses = Query::select()
                .column(course::Column::Id)
                .from(course::Entity)
                .cond_where(managed(actor))
                .to_owned();
            let Some(existing) = enrollment::Entity::find_by_id(enrollment_id)
                .filter(enrollments_visible(actor))
                .filter(enrollment::Column::CourseId.in_subquery(managed_courses))
                .one(txn)
                .await?
            else {
                return Err(enrollment_not_found().into());
            };
            if existing.status != EnrollmentStatus::Enrolled {
                return Err(UserError::input(
                    "enrollmentId",
                    UserErrorCode::InvalidState,
                    "该报名已结业或已退出",
                )
                .into());
            }
            let course = course::Entity::find_by_id(existing.course_id)
                .one(txn)
                .await?
                .ok_or(AppError::NotFound)?;
            if course.status == CourseStatus::Archived {
                return Err(UserError::input(
                    "enrollmentId",
                    UserErrorCode::InvalidState,
                    "课程已归档",
                )
                .into());
            }
            let credited_region = credited_region(txn, &course, existing.trainee_id).await?;
            let now = now();
            // The year is China's, like the completion date a certificate check shows.
            let year = (now + chrono::Duration::hours(8)).year();
            let number = unused_certificate_number(txn, year).await?;
            let result = enrollment::Entity::update_many()
                .col_expr(
                    enrollment::Column::Status,
                    Expr::value(EnrollmentStatus::Completed),
                )
                .col_expr(enrollment::Column::CompletedAt, Expr::value(now))
                .col_expr(enrollment::Column::Score, Expr::value(score))
                .col_expr(enrollment::Column::CertificateNumber, Expr::value(number))
                .col_expr(
                    enrollment::Column::CreditedRegionCode,
                    Expr::value(credited_region),
                )
                .col_expr(enrollment::Column::UpdatedAt, Expr::value(now))
                .filter(enrollment::Column::Id.eq(existing.id))
                .filter(enrollment::Column::Status.eq(EnrollmentStatus::Enrolled))
                .exec(txn)
                .await?;
            if result.rows_affected != 1 {
                return Err(UserError::input(
                    "enrollmentId",
                    UserErrorCode::InvalidState,
                    "该报名已结业或已退出",
                )
                .into());
            }
            let completed = enrollment::Entity::find_by_id(existing.id)
                .one(txn)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(completed)
        })
        .await
}

/// The region credited with a completion: the course's base's region, or for a network-wide
/// course the region of the trainee's base.
async fn credited_region(
    db: &impl ConnectionTrait,
    course: &course::Model,
    trainee_id: Uuid,
) -> Result<Option<String>, DbErr> {
    if course.base_id.is_some() {
        return Ok(course.region_code.clone());
    }
    let Some(trainee) = trainee::Entity::find_by_id(trainee_id).one(db).await? else {
        return Ok(None);
    };
    Ok(base::Entity::find_by_id(trainee.base_id)
        .one(db)
        .await?
        .map(|b| b.region_code))
}

/// A certificate number not yet issued. Collisions are astronomically rare; the unique index
/// is the final guard.
async fn unused_certificate_number(db: &impl ConnectionTrait, year: i32) -> Result<String, DbErr> {
    let mut number = rules::certificate_number(year);
    for _ in 0..4 {
        let taken = enrollment::Entity::find()
            .filter(enrollment::Column::CertificateNumber.eq(number.as_str()))
            .one(db)
            .await?
            .is_some();
        if !taken {
            break;
        }
        number = rules::certificate_number(year);
    }
    Ok(number)
}
