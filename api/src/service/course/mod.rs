//! Courses: the course list and its accessibility, sessions, enrolment with capacity held in
//! the database, attendance, completion with certificate numbers, certificate checks and
//! the training person-times of the reports.
//!
//! Who does what is decided in SQL by [`managed`], [`visible`] and [`enrollments_visible`]:
//! an ADMIN manages the courses its region governs, a BASE_MANAGER those of its bases, an
//! INSTRUCTOR its own; everyone may read OPEN courses; a TRAINEE also reads the courses it
//! takes. Enrolments follow their trainee, except for an INSTRUCTOR, who sees those of its
//! own courses.

mod certificate;
mod change;
mod enrol;
mod query;
pub mod report;
pub mod rules;

pub use certificate::{CertificateCheck, verify_certificate};
pub use change::{CourseChanges, NewCourse, NewSession, add_session, create, update};
pub use enrol::{AttendanceRecorded, complete, drop, enroll, record_attendance};
pub use query::{
    CourseFilter, by_ids, count, features_of, fitting, get, list, recommended, sessions_of,
};

use entity::{CourseStatus, Role, course, enrollment};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};

use super::{UserError, UserErrorCode};
use crate::auth::{Actor, RegionScope};

/// A condition no row meets (primary keys are never null).
fn nothing() -> Condition {
    Condition::all().add(course::Column::Id.is_null())
}

/// The courses `actor` manages (edits, schedules, records attendance and completes), as a
/// SQL condition on `course`.
pub fn managed(actor: &Actor) -> Condition {
    let Actor::User(user) = actor else {
        return nothing();
    };
    match user.role {
        Role::Admin => match RegionScope::of(user.region_code.as_deref()).code_range() {
            None => Condition::all(),
            Some((low, high)) => {
                Condition::all().add(course::Column::RegionCode.between(low, high))
            }
        },
        Role::BaseManager => {
            Condition::all().add(course::Column::BaseId.is_in(user.base_ids.iter().copied()))
        }
        Role::Instructor => Condition::all().add(course::Column::InstructorId.eq(user.user_id)),
        Role::Trainee | Role::Partner => nothing(),
    }
}

/// The courses `actor` may read: OPEN courses (public), those it manages, and for a TRAINEE
/// those it takes.
pub fn visible(actor: &Actor) -> Condition {
    let mut condition = Condition::any()
        .add(course::Column::Status.eq(CourseStatus::Open))
        .add(managed(actor));
    if let Actor::User(user) = actor
        && user.role == Role::Trainee
        && let Some(trainee_id) = user.trainee_id
    {
        condition = condition.add(
            course::Column::Id.in_subquery(
                Query::select()
                    .column(enrollment::Column::CourseId)
                    .from(enrollment::Entity)
                    .and_where(enrollment::Column::TraineeId.eq(trainee_id))
                    .to_owned(),
            ),
        );
    }
    condition
}

/// Ids of the courses an instructor teaches, as a subquery.
pub fn taught_by(user_id: uuid::Uuid) -> SelectStatement {
    Query::select()
        .column(course::Column::Id)
        .from(course::Entity)
        .and_where(course::Column::InstructorId.eq(user_id))
        .to_owned()
}

/// The enrolments `actor` may read, as a SQL condition on `enrollment`: those of trainees it
/// may see; for an INSTRUCTOR those of its own courses.
pub fn enrollments_visible(actor: &Actor) -> Condition {
    match actor {
        Actor::User(user) if user.role == Role::Instructor => {
            Condition::all().add(enrollment::Column::CourseId.in_subquery(taught_by(user.user_id)))
        }
        Actor::User(user) if user.role == Role::Trainee => match user.trainee_id {
            Some(id) => Condition::all().add(enrollment::Column::TraineeId.eq(id)),
            None => Condition::all().add(enrollment::Column::Id.is_null()),
        },
        _ => Condition::all().add(
            enrollment::Column::TraineeId.in_subquery(
                Query::select()
                    .column(entity::trainee::Column::Id)
                    .from(entity::trainee::Entity)
                    .cond_where(super::trainee::visible(actor))
                    .to_owned(),
            ),
        ),
    }
}

fn course_not_found(field: &str) -> UserError {
    UserError::input(field, UserErrorCode::NotFound, "课程不存在")
}

fn stale() -> UserError {
    UserError::input(
        "version",
        UserErrorCode::StaleVersion,
        "课程已被他人修改，请刷新后重试",
    )
}
