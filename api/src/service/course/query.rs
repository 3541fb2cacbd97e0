//! Reading courses: the filtered list, single and batched reads, accessibility (a list
//! table) and sessions for the loaders, and recommendations for a trainee.

use std::collections::HashMap;

use entity::{
    AccessibilityFeature, CourseStatus, DeliveryMode, DisabilityCategory, EnrollmentStatus,
    TrainingCategory, course, course_accessibility, course_session, enrollment, trainee_interest,
};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    ModelTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect, Select, Value,
};
use uuid::Uuid;

use super::{rules, visible};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::columns::Columns;
use crate::service::lists::{self, ListTable};
use crate::service::page::{self, Order, Page, PageArgs};
use crate::service::{ServiceResult, trainee as trainees, validate};

/// Filters of the course list; all given conditions must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CourseFilter {
    pub base_id: Option<Uuid>,
    pub categories: Vec<TrainingCategory>,
    pub status: Vec<CourseStatus>,
    /// Only courses that fit a trainee of this category (the fit table).
    pub accessible_for: Option<DisabilityCategory>,
    /// Case-insensitive part of the title.
    pub search: Option<String>,
}

/// A course's accessibility features are a list table: one row per feature.
impl ListTable for course_accessibility::Entity {
    type Value = AccessibilityFeature;
    const OWNER: course_accessibility::Column = course_accessibility::Column::CourseId;
    const VALUE: course_accessibility::Column = course_accessibility::Column::Feature;

    fn row(owner: Uuid, value: AccessibilityFeature) -> course_accessibility::ActiveModel {
        course_accessibility::ActiveModel {
            course_id: Set(owner),
            feature: Set(value),
        }
    }

    fn entry(row: course_accessibility::Model) -> (Uuid, AccessibilityFeature) {
        (row.course_id, row.feature)
    }

    fn sort(values: &mut [AccessibilityFeature]) {
        values.sort();
    }
}

/// Courses that fit a trainee of `category`, as a SQL condition (see [`rules::fit`]): one
/// of the features, through the list's `(feature, course)` index, or online delivery.
pub fn fitting(category: DisabilityCategory) -> Condition {
    let fit = rules::fit(category);
    if fit.any {
        return Condition::all();
    }
    let mut condition = Condition::any().add(lists::any_of::<course_accessibility::Entity>(
        course::Column::Id,
        fit.features,
    ));
    if fit.online {
        condition = condition.add(course::Column::DeliveryMode.eq(DeliveryMode::Online));
    }
    condition
}

fn filtered(actor: &Actor, filter: &CourseFilter) -> Select<course::Entity> {
    let mut select = course::Entity::find().filter(visible(actor));
    if let Some(base_id) = filter.base_id {
        select = select.filter(course::Column::BaseId.eq(base_id));
    }
    if !filter.categories.is_empty() {
        select = select.filter(course::Column::Category.is_in(filter.categories.iter().copied()));
    }
    if !filter.status.is_empty() {
        select = select.filter(course::Column::Status.is_in(filter.status.iter().copied()));
    }
    if let Some(category) = filter.accessible_for {
        select = select.filter(fitting(category));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        select = select.filter(
            Expr::expr(Func::lower(Expr::col(course::Column::Title)))
                .like(LikeExpr::new(validate::like_pattern(search)).escape('\\')),
        );
    }
    select
}

/// One page of the courses the caller may read, in creation order.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &CourseFilter,
    args: &PageArgs,
) -> Result<Page<course::Model>, AppError> {
    let select = Columns::select(filtered(actor, filter), &COURSE_COLUMNS);
    let page: Page<ListedCourse> = page::fetch(db, select, &by_id(), args).await?;
    Ok(page.map(|listed| listed.0))
}

/// A course of a list, read by position: lists read courses by the hundred, and sea-orm's
/// by-name reading of the model was a twentieth of the server's CPU for a page of bases with
/// their courses in the load benchmark.
#[derive(Debug)]
struct ListedCourse(course::Model);

/// Every column of a course, in the order [`ListedCourse`] reads them.
const COURSE_COLUMNS: [course::Column; 17] = {
    use course::Column::*;
    [
        Id,
        BaseId,
        RegionCode,
        Title,
        Description,
        Category,
        DeliveryMode,
        Hours,
        Capacity,
        SeatsTaken,
        StartsOn,
        EndsOn,
        Status,
        InstructorId,
        CreatedAt,
        UpdatedAt,
        Version,
    ]
};

impl FromQueryResult for ListedCourse {
    fn from_query_result(row: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        let mut columns = Columns::of(row, prefix)?;
        Ok(ListedCourse(course::Model {
            id: columns.get()?,
            base_id: columns.get_nullable()?,
            region_code: columns.get_nullable()?,
            title: columns.get()?,
            description: columns.get_nullable()?,
            category: columns.get_enum()?,
            delivery_mode: columns.get_enum()?,
            hours: columns.get()?,
            capacity: columns.get_nullable()?,
            seats_taken: columns.get()?,
            starts_on: columns.get_nullable()?,
            ends_on: columns.get_nullable()?,
            status: columns.get_enum()?,
            instructor_id: columns.get_nullable()?,
            created_at: columns.get()?,
            updated_at: columns.get()?,
            version: columns.get()?,
        }))
    }
}

impl page::Row<course::Entity> for ListedCourse {
    fn column_value(&self, column: course::Column) -> Value {
        self.0.get(column)
    }
}

/// Courses in creation order (UUIDv7 ids).
fn by_id() -> Order<course::Entity> {
    Order::by_id(course::Column::Id)
}

/// A page of the courses the caller may read of each base, in one statement for all bases.
pub async fn courses_per_base(
    db: &impl ConnectionTrait,
    actor: &Actor,
    base_ids: &[Uuid],
    args: &PageArgs,
) -> Result<HashMap<Uuid, Page<course::Model>>, AppError> {
    let select = Columns::select(
        course::Entity::find().filter(visible(actor)),
        &COURSE_COLUMNS,
    );
    let pages: HashMap<Uuid, Page<ListedCourse>> =
        page::fetch_per_parent(db, select, course::Column::BaseId, base_ids, &by_id(), args)
            .await?;
    Ok(pages
        .into_iter()
        .map(|(base_id, page)| (base_id, page.map(|listed| listed.0)))
        .collect())
}

/// How many courses the caller may read each base has, in one statement.
pub async fn count_per_base(
    db: &impl ConnectionTrait,
    actor: &Actor,
    base_ids: &[Uuid],
) -> Result<HashMap<Uuid, u64>, DbErr> {
    let select = course::Entity::find().filter(visible(actor));
    page::count_per_parent(db, select, course::Column::BaseId, base_ids).await
}

/// How many courses the caller may read match the filter.
pub async fn count(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &CourseFilter,
) -> ServiceResult<u64> {
    Ok(page::count(db, filtered(actor, filter)).await?)
}

/// One course, if the caller may read it.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<Option<course::Model>> {
    Ok(course::Entity::find_by_id(id)
        .filter(visible(actor))
        .one(db)
        .await?)
}

/// Courses by id, for the course loader. Unscoped: it serves sessions and enrolments the
/// caller already may see.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, course::Model>, DbErr> {
    let select = Columns::select(
        course::Entity::find().filter(course::Column::Id.is_in(ids.iter().copied())),
        &COURSE_COLUMNS,
    );
    Ok(select
        .into_model::<ListedCourse>()
        .all(db)
        .await?
        .into_iter()
        .map(|ListedCourse(course)| (course.id, course))
        .collect())
}

/// The sessions of each course, by start time.
pub async fn sessions_of(
    db: &impl ConnectionTrait,
    course_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<course_session::Model>>, DbErr> {
    let rows = course_session::Entity::find()
        .filter(course_session::Column::CourseId.is_in(course_ids.iter().copied()))
        .order_by_asc(course_session::Column::StartsAt)
        .order_by_asc(course_session::Column::Id)
        .all(db)
        .await?;
    let mut by_course: HashMap<Uuid, Vec<course_session::Model>> = HashMap::new();
    for row in rows {
        by_course.entry(row.course_id).or_default().push(row);
    }
    Ok(by_course)
}

/// Courses a trainee the caller may see could join and that fit its disability: OPEN, of its
/// base or network-wide, with a free seat, not already taken (a dropped one may be taken
/// again). Those in a category the trainee is interested in come first, then the soonest
/// start (undated last). An unknown or out-of-scope trainee gets none.
pub async fn recommended(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_id: Uuid,
    limit: u64,
) -> ServiceResult<Vec<course::Model>> {
    let Some(trainee) = trainees::get(db, actor, trainee_id).await? else {
        return Ok(Vec::new());
    };
    let taken = Query::select()
        .column(enrollment::Column::CourseId)
        .from(enrollment::Entity)
        .and_where(enrollment::Column::TraineeId.eq(trainee.id))
        .and_where(
            enrollment::Column::Status
                .is_in([EnrollmentStatus::Enrolled, EnrollmentStatus::Completed]),
        )
        .to_owned();
    let select = course::Entity::find()
        .filter(course::Column::Status.eq(CourseStatus::Open))
        .filter(
            Condition::any()
                .add(course::Column::BaseId.eq(trainee.base_id))
                .add(course::Column::BaseId.is_null()),
        )
        .filter(
            Condition::any()
                .add(course::Column::Capacity.is_null())
                .add(Expr::col(course::Column::SeatsTaken).lt(Expr::col(course::Column::Capacity))),
        )
        .filter(fitting(trainee.disability_category))
        .filter(course::Column::Id.not_in_subquery(taken));
    let interests = Query::select()
        .column(trainee_interest::Column::Category)
        .from(trainee_interest::Entity)
        .and_where(trainee_interest::Column::TraineeId.eq(trainee.id))
        .to_owned();
    Ok(select
        .order_by(
            Expr::Case(Box::new(
                Expr::case(course::Column::Category.in_subquery(interests), 0).finally(1),
            )),
            sea_orm::Order::Asc,
        )
        .order_by(course::Column::StartsOn.is_null(), sea_orm::Order::Asc)
        .order_by_asc(course::Column::StartsOn)
        .order_by_asc(course::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::columns::assert_every_column_in_model_order;

    #[test]
    fn a_listed_course_reads_every_column_in_the_models_order() {
        assert_every_column_in_model_order::<course::Entity>(&COURSE_COLUMNS);
    }
}
