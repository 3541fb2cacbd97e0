//! Courses: the course list and its accessibility, sessions, enrolment with capacity held in
//! the database, attendance, completion with certificate numbers, certificate checks and
//! the training person-times of the reports.
//!
//! Who does what is decided in SQL by [`managed`], [`visible`] and [`enrollments_visible`]:
//! an ADMIN manages the courses its region governs, a BASE_MANAGER those of its bases, an
//! INSTRUCTOR its own; everyone may read OPEN courses; a TRAINEE also reads the courses it
//! takes. Enrolments follow their trainee, except for an INSTRUCTOR, who sees those of its
//! own courses.

mod attendance;
mod certificate;
mod change;
mod completion;
mod enrol;
mod query;
pub mod report;
mod roster;
pub mod rules;
mod session;

pub use attendance::{AttendanceRecorded, record_attendance};
pub use certificate::{CertificateCheck, verify_certificate};
pub use change::{CourseChanges, NewCourse, create, update};
pub use completion::complete;
pub use enrol::{drop, enroll};
pub use query::{
    CourseFilter, by_ids, count, count_per_base, courses_per_base, fitting, get, list, recommended,
    sessions_of,
};
pub use roster::{
    PagedEnrollment, WithTrainees, count_per_course, count_per_trainee, enrollments_per_course,
    enrollments_per_trainee, visible_enrollments,
};
pub use session::{NewSession, add_session};

use entity::{CourseStatus, Role, course, trainee};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use super::scope::Scope;
use super::{UserError, UserErrorCode};
use crate::auth::Actor;

/// The courses `actor` manages (edits, schedules, records attendance and completes), as a
/// SQL condition on `course`: an ADMIN those its region governs (a base's course by the
/// base's region, a network-wide one by its creator's), a BASE_MANAGER those of its bases,
/// an INSTRUCTOR its own.
pub fn managed(actor: &Actor) -> Condition {
    Scope::of(actor)
        .grants()
        .staff(course::Column::BaseId)
        .staff_by_region(course::Column::RegionCode)
        .instructor(|me| course::Column::InstructorId.eq(me.user_id))
        .condition()
}

/// The courses `actor` may read: OPEN courses (public), those it manages, and for a TRAINEE
/// those it takes.
pub fn visible(actor: &Actor) -> Condition {
    Condition::any().add(managed(actor)).add(
        Scope::of(actor)
            .grants()
            .trainee(|me| course::Column::Id.in_subquery(courses_taken_by(me)))
            .everyone(course::Column::Status.eq(CourseStatus::Open))
            .condition(),
    )
}

/// Ids of the courses an instructor teaches, as a subquery.
fn taught_by(user_id: Uuid) -> SelectStatement {
    Query::select()
        .column(course::Column::Id)
        .from(course::Entity)
        .and_where(course::Column::InstructorId.eq(user_id))
        .to_owned()
}

/// Ids of the courses a trainee is or was enrolled in, as a subquery.
fn courses_taken_by(trainee_id: Uuid) -> SelectStatement {
    Query::select()
        .column(entity::enrollment::Column::CourseId)
        .from(entity::enrollment::Entity)
        .and_where(entity::enrollment::Column::TraineeId.eq(trainee_id))
        .to_owned()
}

/// Ids of the trainees enrolled (in any state) in an instructor's courses, as a subquery:
/// the trainees an INSTRUCTOR may see.
pub fn trainees_taught_by(user_id: Uuid) -> SelectStatement {
    Query::select()
        .column(entity::enrollment::Column::TraineeId)
        .from(entity::enrollment::Entity)
        .and_where(entity::enrollment::Column::CourseId.in_subquery(taught_by(user_id)))
        .to_owned()
}

/// The enrolments `actor` may read, as a SQL condition on `enrollment`: staff those of the
/// trainees of bases they govern, a TRAINEE its own, an INSTRUCTOR those of its own courses.
pub fn enrollments_visible(actor: &Actor) -> Condition {
    use entity::enrollment::Column;
    let scope = Scope::of(actor);
    if matches!(scope.role(), Some(Role::Admin | Role::BaseManager)) {
        let governed = scope.grants().staff(trainee::Column::BaseId);
        // Every enrolment's trainee belongs to a base: a nationwide ADMIN needs no subquery
        // that PostgreSQL would probe once per enrolment.
        if governed.covers_everything() {
            return Condition::all();
        }
        let governed_trainees = Query::select()
            .column(trainee::Column::Id)
            .from(trainee::Entity)
            .cond_where(governed.condition())
            .to_owned();
        return Condition::all().add(Column::TraineeId.in_subquery(governed_trainees));
    }
    scope
        .grants()
        .trainee(|me| Column::TraineeId.eq(me))
        .instructor(|me| Column::CourseId.in_subquery(taught_by(me.user_id)))
        .condition()
}

fn enrollment_not_found() -> UserError {
    UserError::input("enrollmentId", UserErrorCode::NotFound, "报名记录不存在")
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
