//! Attendance: who attended which session, recorded once per session and trainee.

use std::collections::HashMap;

use entity::{
    CourseStatus, EnrollmentStatus, Role, attendance, course, course_session, enrollment,
};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::managed;
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::write::write;
use crate::service::{ServiceError, ServiceResult, UserError, UserErrorCode, now};

/// Most trainees one `recordAttendance` call may list.
const MAX_ATTENDANCE_BATCH: usize = 500;

/// What `recordAttendance` did.
#[derive(Debug, Clone)]
pub struct AttendanceRecorded {
    /// Listed trainees whose attendance at the session now stands recorded (a repeat
    /// counts, but is stored once).
    pub recorded: u64,
    /// Listed trainees that are not enrolled in the course, by their place in the list.
    pub refused: Vec<UserError>,
}

/// Records who attended a session of a course the caller manages. Each listed trainee must
/// be enrolled (or completed) in the course; others are reported by position and the rest
/// is recorded. Recording twice stores once.
pub async fn record_attendance(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: Uuid,
    trainee_ids: &[Uuid],
) -> ServiceResult<AttendanceRecorded> {
    let user = actor.user()?;
    if !matches!(
        user.role,
        Role::Admin | Role::BaseManager | Role::Instructor
    ) {
        return Err(AppError::Forbidden.into());
    }
    if trainee_ids.is_empty() {
        return Err(UserError::input("traineeIds", UserErrorCode::Required, "请选择学员").into());
    }
    if trainee_ids.len() > MAX_ATTENDANCE_BATCH {
        return Err(UserError::input(
            "traineeIds",
            UserErrorCode::Invalid,
            format!("一次最多记录 {MAX_ATTENDANCE_BATCH} 名学员"),
        )
        .into());
    }
    write(db)
        .run(async |txn| {
            let managed_courses = Query::select()
                .column(course::Column::Id)
                .from(course::Entity)
                .cond_where(managed(actor))
                .to_owned();
            let Some(session) = course_session::Entity::find_by_id(session_id)
                .filter(course_session::Column::CourseId.in_subquery(managed_courses))
                .one(txn)
                .await?
            else {
                return Err(
                    UserError::input("sessionId", UserErrorCode::NotFound, "课次不存在").into(),
                );
            };
            let status = course::Entity::find_by_id(session.course_id)
                .one(txn)
                .await?
                .map(|c| c.status);
            if !matches!(status, Some(CourseStatus::Open | CourseStatus::Closed)) {
                return Err(UserError::input(
                    "sessionId",
                    UserErrorCode::InvalidState,
                    "课程未在进行中，不能记录考勤",
                )
                .into());
            }
            let enrolled: HashMap<Uuid, Uuid> = enrollment::Entity::find()
                .filter(enrollment::Column::CourseId.eq(session.course_id))
                .filter(enrollment::Column::TraineeId.is_in(trainee_ids.iter().copied()))
                .filter(
                    enrollment::Column::Status
                        .is_in([EnrollmentStatus::Enrolled, EnrollmentStatus::Completed]),
                )
                .all(txn)
                .await?
                .into_iter()
                .map(|e| (e.trainee_id, e.id))
                .collect();
            let mut refused = Vec::new();
            let mut rows: HashMap<Uuid, Uuid> = HashMap::new();
            for (index, id) in trainee_ids.iter().enumerate() {
                match enrolled.get(id).map(|e| (*id, *e)) {
                    Some((trainee_id, enrollment_id)) => {
                        rows.insert(trainee_id, enrollment_id);
                    }
                    None => refused.push(UserError {
                        field: vec![
                            "input".to_owned(),
                            "traineeIds".to_owned(),
                            index.to_string(),
                        ],
                        code: UserErrorCode::NotFound,
                        message: "该学员未报名此课程".to_owned(),
                    }),
                }
            }
            if rows.is_empty() {
                return Err(ServiceError::User(refused));
            }
            let now = now();
            attendance::Entity::insert_many(rows.iter().map(|(trainee_id, enrollment_id)| {
                attendance::ActiveModel {
                    session_id: Set(session.id),
                    trainee_id: Set(*trainee_id),
                    enrollment_id: Set(*enrollment_id),
                    recorded_by: Set(user.user_id),
                    recorded_at: Set(now),
                }
            }))
            .on_conflict_do_nothing()
            .exec(txn)
            .await?;
            // Recounting (rather than adding) keeps the counter right however often a session is
            // recorded.
            enrollment::Entity::update_many()
                .col_expr(
                    enrollment::Column::AttendedSessions,
                    Expr::SubQuery(
                        None,
                        Box::new(
                            Query::select()
                                .expr(Func::count(Expr::col((
                                    attendance::Entity,
                                    attendance::Column::SessionId,
                                ))))
                                .from(attendance::Entity)
                                .and_where(
                                    Expr::col((
                                        attendance::Entity,
                                        attendance::Column::EnrollmentId,
                                    ))
                                    .equals((enrollment::Entity, enrollment::Column::Id)),
                                )
                                .to_owned()
                                .into(),
                        ),
                    ),
                )
                .filter(enrollment::Column::Id.is_in(rows.values().copied()))
                .exec(txn)
                .await?;
            Ok(AttendanceRecorded {
                recorded: rows.len() as u64,
                refused,
            })
        })
        .await
}
