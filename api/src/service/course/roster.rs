//! Reading enrolments: per-course and per-trainee pages and counts for nested connections,
//! each one statement for all parents, scoped by [`enrollments_visible`].

use std::collections::HashMap;

use entity::enrollment;
use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, FromQueryResult, ModelTrait, QueryFilter, QueryResult,
    Select, Value,
};
use uuid::Uuid;

use super::enrollments_visible;
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::columns::Columns;
use crate::service::page::{self, Order, Page, PageArgs};

/// An enrolment as nested pages read it: every column, by position (most of an enrolment's
/// columns are NULL until it completes or is dropped, and sea-orm's derived reading pays for
/// each NULL).
struct EnrollmentRow(enrollment::Model);

impl EnrollmentRow {
    const COLUMNS: [enrollment::Column; 14] = {
        use enrollment::Column::*;
        [
            Id,
            CourseId,
            TraineeId,
            Status,
            EnrolledAt,
            CompletedAt,
            DroppedAt,
            DropReason,
            Score,
            CertificateNumber,
            CreditedRegionCode,
            AttendedSessions,
            CreatedAt,
            UpdatedAt,
        ]
    };
}

impl FromQueryResult for EnrollmentRow {
    fn from_query_result(row: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        let mut columns = Columns::of(row, prefix)?;
        Ok(EnrollmentRow(enrollment::Model {
            id: columns.get()?,
            course_id: columns.get()?,
            trainee_id: columns.get()?,
            status: columns.get()?,
            enrolled_at: columns.get()?,
            completed_at: columns.get_nullable()?,
            dropped_at: columns.get_nullable()?,
            drop_reason: columns.get_nullable()?,
            score: columns.get_nullable()?,
            certificate_number: columns.get_nullable()?,
            credited_region_code: columns.get_nullable()?,
            attended_sessions: columns.get()?,
            created_at: columns.get()?,
            updated_at: columns.get()?,
        }))
    }
}

impl page::Row<enrollment::Entity> for EnrollmentRow {
    fn column_value(&self, column: enrollment::Column) -> Value {
        self.0.get(column)
    }
}

/// Pages of `select`'s enrolments per `parent`, read as [`EnrollmentRow`]s.
async fn pages_per(
    db: &impl ConnectionTrait,
    select: Select<enrollment::Entity>,
    parent: enrollment::Column,
    parent_ids: &[Uuid],
    args: &PageArgs,
) -> Result<HashMap<Uuid, Page<enrollment::Model>>, AppError> {
    let select = Columns::select(select, &EnrollmentRow::COLUMNS);
    let pages = page::fetch_per_parent(db, select, parent, parent_ids, &by_id(), args).await?;
    Ok(pages
        .into_iter()
        .map(|(id, page): (Uuid, Page<EnrollmentRow>)| (id, page.map(|row| row.0)))
        .collect())
}

/// The enrolments the caller may read, as a select to filter and page further.
pub fn visible_enrollments(actor: &Actor) -> Select<enrollment::Entity> {
    enrollment::Entity::find().filter(enrollments_visible(actor))
}

/// Enrolments in the order they were made.
fn by_id() -> Order<enrollment::Entity> {
    Order::by_id(enrollment::Column::Id)
}

/// A page of the enrolments the caller may read of each course.
pub async fn enrollments_per_course(
    db: &impl ConnectionTrait,
    actor: &Actor,
    course_ids: &[Uuid],
    args: &PageArgs,
) -> Result<HashMap<Uuid, Page<enrollment::Model>>, AppError> {
    pages_per(
        db,
        visible_enrollments(actor),
        enrollment::Column::CourseId,
        course_ids,
        args,
    )
    .await
}

/// How many enrolments the caller may read each course has.
pub async fn count_per_course(
    db: &impl ConnectionTrait,
    actor: &Actor,
    course_ids: &[Uuid],
) -> Result<HashMap<Uuid, u64>, DbErr> {
    page::count_per_parent(
        db,
        visible_enrollments(actor),
        enrollment::Column::CourseId,
        course_ids,
    )
    .await
}

/// A page of the enrolments the caller may read of each trainee.
pub async fn enrollments_per_trainee(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_ids: &[Uuid],
    args: &PageArgs,
) -> Result<HashMap<Uuid, Page<enrollment::Model>>, AppError> {
    pages_per(
        db,
        visible_enrollments(actor),
        enrollment::Column::TraineeId,
        trainee_ids,
        args,
    )
    .await
}

/// How many enrolments the caller may read each trainee has.
pub async fn count_per_trainee(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_ids: &[Uuid],
) -> Result<HashMap<Uuid, u64>, DbErr> {
    page::count_per_parent(
        db,
        visible_enrollments(actor),
        enrollment::Column::TraineeId,
        trainee_ids,
    )
    .await
}
