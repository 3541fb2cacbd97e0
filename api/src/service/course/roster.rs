//! Reading enrolments: per-course and per-trainee pages (with their trainees when asked) and
//! counts for nested connections, each one statement for all parents, scoped by
//! [`enrollments_visible`].

use std::collections::HashMap;
use std::sync::Arc;

use entity::{enrollment, trainee};
use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, ModelTrait, QueryFilter,
    QueryResult, QuerySelect, RelationDef, Select, Value,
};
use uuid::Uuid;

use super::enrollments_visible;
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::columns::Columns;
use crate::service::page::{self, Order, Page, PageArgs};
use crate::service::trainee::{TraineeColumns, TraineeRow};

/// An enrolment of a nested page, with its trainee when the page was read with its trainees
/// and the caller may see that trainee. The trainee is shared from the start, as the GraphQL
/// `Enrollment` holds it: grouping and paging move these rows, and a trainee row inline
/// tripled what each move copied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PagedEnrollment {
    pub enrollment: enrollment::Model,
    pub trainee: Option<Arc<TraineeRow>>,
}

/// Whether a nested page also reads each enrolment's trainee, in the same statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WithTrainees {
    /// The enrolments alone.
    No,
    /// Those the caller may see, with these of their columns; the others stay unread (and a
    /// field asking for one finds it absent, as it would through the trainee loader).
    Yes(TraineeColumns),
}

/// An enrolment's columns, read by position (most of them are NULL until it completes or is
/// dropped, and sea-orm's derived reading pays for each NULL).
const ENROLLMENT_COLUMNS: [enrollment::Column; 14] = {
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

fn read_enrollment(columns: &mut Columns<'_>) -> Result<enrollment::Model, DbErr> {
    Ok(enrollment::Model {
        id: columns.get()?,
        course_id: columns.get()?,
        trainee_id: columns.get()?,
        status: columns.get_enum()?,
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
    })
}

/// The joined trainee's columns follow the enrolment's under this prefix, so the page's
/// `SELECT page.*` keeps every name distinct (both tables have an `id`).
const TRAINEE_PREFIX: &str = "trainee__";

impl FromQueryResult for PagedEnrollment {
    fn from_query_result(row: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        let mut columns = Columns::of(row, prefix)?;
        let enrollment = read_enrollment(&mut columns)?;
        // Without joined columns, or with a trainee the caller may not see (NULLs).
        let trainee = if !columns.has_more() || columns.next_is_null()? {
            None
        } else {
            Some(Arc::new(TraineeRow::read_to_end(&mut columns)?))
        };
        Ok(PagedEnrollment {
            enrollment,
            trainee,
        })
    }
}

impl page::Row<enrollment::Entity> for PagedEnrollment {
    fn column_value(&self, column: enrollment::Column) -> Value {
        self.enrollment.get(column)
    }
}

/// Pages of the enrolments the caller may read per `parent`, with their trainees if asked.
async fn pages_per(
    db: &impl ConnectionTrait,
    actor: &Actor,
    parent: enrollment::Column,
    parent_ids: &[Uuid],
    args: &PageArgs,
    with_trainees: WithTrainees,
) -> Result<HashMap<Uuid, Page<PagedEnrollment>>, AppError> {
    let mut select = Columns::select(visible_enrollments(actor), &ENROLLMENT_COLUMNS);
    if let WithTrainees::Yes(trainee_columns) = with_trainees {
        let visible = crate::service::trainee::visible(actor);
        let trainee_if_visible: RelationDef = enrollment::Entity::belongs_to(trainee::Entity)
            .from(enrollment::Column::TraineeId)
            .to(trainee::Column::Id)
            .on_condition(move |_, _| visible.clone())
            .into();
        select = Columns::select_joined(
            select.join(JoinType::LeftJoin, trainee_if_visible),
            trainee::Entity,
            trainee_columns.columns().iter().copied(),
            TRAINEE_PREFIX,
        );
    }
    page::fetch_per_parent(db, select, parent, parent_ids, &by_id(), args).await
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
    with_trainees: WithTrainees,
) -> Result<HashMap<Uuid, Page<PagedEnrollment>>, AppError> {
    pages_per(
        db,
        actor,
        enrollment::Column::CourseId,
        course_ids,
        args,
        with_trainees,
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
    with_trainees: WithTrainees,
) -> Result<HashMap<Uuid, Page<PagedEnrollment>>, AppError> {
    pages_per(
        db,
        actor,
        enrollment::Column::TraineeId,
        trainee_ids,
        args,
        with_trainees,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::columns::assert_every_column_in_model_order;

    #[test]
    fn a_paged_enrollment_reads_every_column_in_the_models_order() {
        assert_every_column_in_model_order::<enrollment::Entity>(&ENROLLMENT_COLUMNS);
    }
}
