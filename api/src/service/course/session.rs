//! Scheduling a course's sessions.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{CourseStatus, Role, course, course_session};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{course_not_found, managed};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};

/// What `addCourseSession` asks for.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub course_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub topic: Option<String>,
    pub location: Option<String>,
}

/// The calendar date in China (UTC+8) of a point in time: course dates are Chinese dates.
fn china_date(at: DateTime<Utc>) -> NaiveDate {
    (at + chrono::Duration::hours(8)).date_naive()
}

/// Schedules a session of a course the caller manages (not an archived one). It must end
/// after it starts and lie within the course's dates when they are set.
pub async fn add_session(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewSession,
) -> ServiceResult<course_session::Model> {
    let user = actor.user()?;
    if !matches!(
        user.role,
        Role::Admin | Role::BaseManager | Role::Instructor
    ) {
        return Err(AppError::Forbidden.into());
    }
    let mut problems = Problems::default();
    let topic = validate::optional_text(&mut problems, "topic", input.topic.as_deref(), 200);
    let location =
        validate::optional_text(&mut problems, "location", input.location.as_deref(), 200);
    if input.ends_at <= input.starts_at {
        problems.add("endsAt", UserErrorCode::Invalid, "结束时间须晚于开始时间");
    }
    write(db)
        .run(async |txn| {
            let Some(course) = course::Entity::find_by_id(input.course_id)
                .filter(managed(actor))
                .one(txn)
                .await?
            else {
                return Err(course_not_found("courseId").into());
            };
            if course.status == CourseStatus::Archived {
                return Err(UserError::input(
                    "courseId",
                    UserErrorCode::InvalidState,
                    "课程已归档，不能再安排课次",
                )
                .into());
            }
            if course
                .starts_on
                .is_some_and(|start| china_date(input.starts_at) < start)
            {
                problems.add(
                    "startsAt",
                    UserErrorCode::Invalid,
                    "课次不能早于课程开始日期",
                );
            }
            if course
                .ends_on
                .is_some_and(|end| china_date(input.ends_at) > end)
            {
                problems.add("endsAt", UserErrorCode::Invalid, "课次不能晚于课程结束日期");
            }
            problems.into_result()?;
            let (Some(topic), Some(location)) = (topic, location) else {
                return Err(AppError::internal(anyhow::anyhow!(
                    "validated session input incomplete"
                ))
                .into());
            };
            let session = course_session::ActiveModel {
                id: Set(Uuid::now_v7()),
                course_id: Set(course.id),
                starts_at: Set(input.starts_at),
                ends_at: Set(input.ends_at),
                topic: Set(topic),
                location: Set(location),
                created_at: Set(now()),
            }
            .insert(txn)
            .await?;
            Ok(session)
        })
        .await
}
