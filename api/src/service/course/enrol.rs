//! Enrolment, dropping out, attendance and completion. A seat is taken by one conditional
//! UPDATE of the course row (`seats_taken < capacity`) inside the enrolment's transaction:
//! concurrent enrolments queue on that row (PostgreSQL) or on the write lock (SQLite), so the
//! capacity holds without a read-then-write race; a CHECK constraint backs it up.

use std::collections::HashMap;

use chrono::Datelike;
use entity::{
    CourseStatus, EnrollmentStatus, Role, attendance, base, course, course_session, enrollment,
    trainee,
};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, SqlErr,
};
use uuid::Uuid;

use super::{course_not_found, enrollments_visible, managed, rules, visible};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::{
    ServiceResult, UserError, UserErrorCode, begin_write, now, trainee as trainees,
};

/// Most trainees one `recordAttendance` call may list.
const MAX_ATTENDANCE_BATCH: usize = 500;

fn enrollment_not_found() -> UserError {
    UserError::input("enrollmentId", UserErrorCode::NotFound, "报名记录不存在")
}

fn duplicate() -> UserError {
    UserError::input("traineeId", UserErrorCode::Duplicate, "该学员已报名此课程")
}

fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
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
    let txn = begin_write(db).await?;
    let Some(trainee) = trainees::get(&txn, actor, trainee_id).await? else {
        return Err(UserError::input("traineeId", UserErrorCode::NotFound, "学员不存在").into());
    };
    let Some(course) = course::Entity::find_by_id(course_id)
        .filter(visible(actor))
        .one(&txn)
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
        .one(&txn)
        .await?;
    if existing
        .as_ref()
        .is_some_and(|e| e.status != EnrollmentStatus::Dropped)
    {
        return Err(duplicate().into());
    }
    take_seat(&txn, course.id).await?;
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
                .exec(&txn)
                .await?;
            if result.rows_affected != 1 {
                return Err(duplicate().into());
            }
            enrollment::Entity::find_by_id(dropped.id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?
        }
        None => {
            let inserted = enrollment::ActiveModel {
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
            .insert(&txn)
            .await;
            match inserted {
                Ok(model) => model,
                Err(err) if is_unique_violation(&err) => return Err(duplicate().into()),
                Err(err) => return Err(err.into()),
            }
        }
    };
    txn.commit().await?;
    Ok(enrolled)
}

fn not_open() -> crate::service::ServiceError {
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
    let mut problems = crate::service::Problems::default();
    let reason =
        crate::service::validate::optional_text(&mut problems, "reason", reason.as_deref(), 200);
    problems.into_result()?;
    let reason = reason.flatten();
    let txn = begin_write(db).await?;
    let Some(existing) = enrollment::Entity::find_by_id(enrollment_id)
        .filter(enrollments_visible(actor))
        .one(&txn)
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
        .exec(&txn)
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
        .exec(&txn)
        .await?;
    let dropped = enrollment::Entity::find_by_id(existing.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(dropped)
}

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
    let txn = begin_write(db).await?;
    let managed_courses = Query::select()
        .column(course::Column::Id)
        .from(course::Entity)
        .cond_where(managed(actor))
        .to_owned();
    let Some(existing) = enrollment::Entity::find_by_id(enrollment_id)
        .filter(enrollments_visible(actor))
        .filter(enrollment::Column::CourseId.in_subquery(managed_courses))
        .one(&txn)
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
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if course.status == CourseStatus::Archived {
        return Err(
            UserError::input("enrollmentId", UserErrorCode::InvalidState, "课程已归档").into(),
        );
    }
    let credited_region = credited_region(&txn, &course, existing.trainee_id).await?;
    let now = now();
    // The year is China's, like the completion date a certificate check shows.
    let year = (now + chrono::Duration::hours(8)).year();
    let number = unused_certificate_number(&txn, year).await?;
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
        .exec(&txn)
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
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(completed)
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
    trainee_ids: &[Option<Uuid>],
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
    let txn = begin_write(db).await?;
    let managed_courses = Query::select()
        .column(course::Column::Id)
        .from(course::Entity)
        .cond_where(managed(actor))
        .to_owned();
    let Some(session) = course_session::Entity::find_by_id(session_id)
        .filter(course_session::Column::CourseId.in_subquery(managed_courses))
        .one(&txn)
        .await?
    else {
        return Err(UserError::input("sessionId", UserErrorCode::NotFound, "课次不存在").into());
    };
    let status = course::Entity::find_by_id(session.course_id)
        .one(&txn)
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
        .filter(enrollment::Column::TraineeId.is_in(trainee_ids.iter().flatten().copied()))
        .filter(
            enrollment::Column::Status
                .is_in([EnrollmentStatus::Enrolled, EnrollmentStatus::Completed]),
        )
        .all(&txn)
        .await?
        .into_iter()
        .map(|e| (e.trainee_id, e.id))
        .collect();
    let mut refused = Vec::new();
    let mut rows: HashMap<Uuid, Uuid> = HashMap::new();
    for (index, id) in trainee_ids.iter().enumerate() {
        match id.and_then(|id| enrolled.get(&id).map(|e| (id, *e))) {
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
        return Err(crate::service::ServiceError::User(refused));
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
    .exec(&txn)
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
                            Expr::col((attendance::Entity, attendance::Column::EnrollmentId))
                                .equals((enrollment::Entity, enrollment::Column::Id)),
                        )
                        .to_owned()
                        .into(),
                ),
            ),
        )
        .filter(enrollment::Column::Id.is_in(rows.values().copied()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(AttendanceRecorded {
        recorded: rows.len() as u64,
        refused,
    })
}
