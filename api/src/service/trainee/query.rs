//! Reading trainees: who sees whom (in SQL), the filtered list, single and batched reads,
//! and per-base pages for nested connections.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use entity::{
    DisabilityCategory, Residence, TraineeStatus, TrainingCategory, base, trainee, trainee_interest,
};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, Iterable,
    JoinType, QueryFilter, QueryResult, QuerySelect, RelationDef, Select,
};
use uuid::Uuid;

use super::{TraineeColumns, TraineeRow};
use crate::auth::{Actor, RegionScope};
use crate::error::AppError;
use crate::service::columns::Columns;
use crate::service::lists;
use crate::service::page::{self, Direction, Order, Page, PageArgs};
use crate::service::scope::{Scope, in_region};
use crate::service::{ServiceResult, validate};

/// Registration dates in filters are Chinese calendar dates: midnight in UTC+8 is 16:00
/// UTC the day before.
fn china_midnight_utc(date: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    date.and_time(NaiveTime::MIN).and_utc() - chrono::Duration::hours(8)
}

/// The trainees `actor` may see, as a SQL condition (see [`Scope::trainees`]); an
/// INSTRUCTOR sees the trainees enrolled in its own courses.
pub fn visible(actor: &Actor) -> Condition {
    Scope::of(actor)
        .trainees(trainee::Column::Id, trainee::Column::BaseId)
        .instructor(|me| {
            trainee::Column::Id.in_subquery(crate::service::course::trainees_taught_by(me.user_id))
        })
        .condition()
}

/// Whether `actor` may read the personal fields of the trainees it sees (birth date,
/// masked identity and certificate numbers, phone, employment services). An INSTRUCTOR sees
/// its courses' trainees by name, category and needs only.
pub fn may_read_personal_fields(actor: &Actor) -> bool {
    !matches!(actor, Actor::User(user) if user.role == entity::Role::Instructor)
}

/// Filters of the trainee list; all given conditions must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TraineeFilter {
    pub base_id: Option<Uuid>,
    /// Trainees living in this region or under it.
    pub region_code: Option<String>,
    pub disability_categories: Vec<DisabilityCategory>,
    pub status: Vec<TraineeStatus>,
    pub residence: Option<Residence>,
    /// Trainees interested in any of these categories.
    pub interests: Vec<TrainingCategory>,
    /// Case-insensitive part of the name.
    pub search: Option<String>,
    /// Registered on or after this date (China time).
    pub registered_from: Option<NaiveDate>,
    /// Registered on or before this date (China time).
    pub registered_to: Option<NaiveDate>,
}

/// The trainees `actor` may see that match `filter`, as a select to page or count.
pub fn select(actor: &Actor, filter: &TraineeFilter) -> Select<trainee::Entity> {
    let mut select = trainee::Entity::find().filter(visible(actor));
    if let Some(base_id) = filter.base_id {
        select = select.filter(trainee::Column::BaseId.eq(base_id));
    }
    if let Some(code) = filter.region_code.as_deref() {
        select = select.filter(in_region(
            trainee::Column::RegionCode,
            &RegionScope::of(Some(code)),
        ));
    }
    if !filter.disability_categories.is_empty() {
        select = select.filter(
            trainee::Column::DisabilityCategory.is_in(filter.disability_categories.iter().copied()),
        );
    }
    if !filter.status.is_empty() {
        select = select.filter(trainee::Column::Status.is_in(filter.status.iter().copied()));
    }
    if let Some(residence) = filter.residence {
        select = select.filter(trainee::Column::Residence.eq(residence));
    }
    if !filter.interests.is_empty() {
        select = select.filter(lists::any_of::<trainee_interest::Entity>(
            trainee::Column::Id,
            &filter.interests,
        ));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        select = select.filter(
            Expr::expr(Func::lower(Expr::col(trainee::Column::Name)))
                .like(LikeExpr::new(validate::like_pattern(search)).escape('\\')),
        );
    }
    if let Some(from) = filter.registered_from {
        select = select.filter(trainee::Column::RegisteredAt.gte(china_midnight_utc(from)));
    }
    if let Some(to) = filter.registered_to.and_then(|d| d.succ_opt()) {
        select = select.filter(trainee::Column::RegisteredAt.lt(china_midnight_utc(to)));
    }
    select
}

/// What the trainee list is sorted by; ties are broken by id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TraineeSort {
    /// Registration order (by id).
    #[default]
    Id,
    Name,
    RegisteredAt,
}

/// The order of a trainee list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TraineeOrder {
    pub sort: TraineeSort,
    pub direction: Direction,
}

impl TraineeOrder {
    /// The keyset order; its `cursor` makes the edges' cursors.
    pub fn sort(self) -> Order<trainee::Entity> {
        use trainee::Column;
        let order = match self.sort {
            TraineeSort::Id => Order::by_id(Column::Id),
            TraineeSort::Name => Order::by("name", Column::Name, Column::Id),
            TraineeSort::RegisteredAt => {
                Order::by("registered_at", Column::RegisteredAt, Column::Id)
            }
        };
        order.direction(self.direction)
    }
}

/// [`select`] reading only the `columns` of a [`TraineeRow`].
fn rows(actor: &Actor, filter: &TraineeFilter, columns: TraineeColumns) -> Select<trainee::Entity> {
    TraineeRow::select(select(actor, filter), columns)
}

/// One page of the trainees the caller may see.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &TraineeFilter,
    order: TraineeOrder,
    args: &PageArgs,
    columns: TraineeColumns,
) -> ServiceResult<Page<TraineeRow>> {
    validate::search_term(filter.search.as_deref())?;
    Ok(page::fetch(db, rows(actor, filter, columns), &order.sort(), args).await?)
}

/// How many trainees the caller may see match the filter.
pub async fn count(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &TraineeFilter,
) -> ServiceResult<u64> {
    validate::search_term(filter.search.as_deref())?;
    Ok(page::count(db, select(actor, filter)).await?)
}

/// One trainee, if the caller may see it.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<Option<trainee::Model>> {
    Ok(trainee::Entity::find_by_id(id)
        .filter(visible(actor))
        .one(db)
        .await?)
}

/// The trainees `ids` names that `actor` may see.
fn visible_by_ids(actor: &Actor, ids: &[Uuid]) -> Select<trainee::Entity> {
    trainee::Entity::find()
        .filter(trainee::Column::Id.is_in(ids.iter().copied()))
        .filter(visible(actor))
}

/// A trainee's base, to join from `trainee`.
pub fn base_relation() -> RelationDef {
    trainee::Entity::belongs_to(base::Entity)
        .from(trainee::Column::BaseId)
        .to(base::Column::Id)
        .into()
}

/// Trainees by id among those the caller may see, for the trainee loader.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, TraineeRow>, DbErr> {
    Ok(
        TraineeRow::select(visible_by_ids(actor, ids), TraineeColumns::WithPersonal)
            .into_model::<TraineeRow>()
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect(),
    )
}

/// A trainee with its base, read in one statement.
struct TraineeWithBase(TraineeRow, base::Model);

/// The prefix of the base's columns in [`by_ids_with_base`]'s statement.
const BASE_PREFIX: &str = "base__";

impl FromQueryResult for TraineeWithBase {
    fn from_query_result(row: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        // The trainee's columns come first, by position; the base's follow under BASE_PREFIX.
        Ok(TraineeWithBase(
            TraineeRow::read(&mut Columns::of(row, prefix)?, TraineeColumns::WithPersonal)?,
            base::Model::from_query_result(row, BASE_PREFIX)?,
        ))
    }
}

/// Trainees by id among those the caller may see, each with its base: what [`by_ids`] and
/// [`crate::service::base::by_ids`] read, in one statement instead of one after the other.
pub async fn by_ids_with_base(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, (TraineeRow, base::Model)>, DbErr> {
    let joined = Columns::select_joined(
        TraineeRow::select(visible_by_ids(actor, ids), TraineeColumns::WithPersonal)
            .join(JoinType::InnerJoin, base_relation()),
        base::Entity,
        base::Column::iter(),
        BASE_PREFIX,
    );
    Ok(joined
        .into_model::<TraineeWithBase>()
        .all(db)
        .await?
        .into_iter()
        .map(|TraineeWithBase(trainee, base)| (trainee.id, (trainee, base)))
        .collect())
}

/// The first page of visible trainees of each base, in one statement for all bases (see
/// [`page::fetch_per_parent`]).
pub async fn first_per_base(
    db: &impl ConnectionTrait,
    actor: &Actor,
    base_ids: &[Uuid],
    filter: &TraineeFilter,
    order: TraineeOrder,
    args: &PageArgs,
    columns: TraineeColumns,
) -> Result<HashMap<Uuid, Page<TraineeRow>>, AppError> {
    page::fetch_per_parent(
        db,
        rows(actor, filter, columns),
        trainee::Column::BaseId,
        base_ids,
        &order.sort(),
        args,
    )
    .await
}

/// How many visible trainees matching the filter each base has, in one statement.
pub async fn count_per_base(
    db: &impl ConnectionTrait,
    actor: &Actor,
    base_ids: &[Uuid],
    filter: &TraineeFilter,
) -> Result<HashMap<Uuid, u64>, DbErr> {
    page::count_per_parent(db, select(actor, filter), trainee::Column::BaseId, base_ids).await
}

#[cfg(test)]
mod tests {
    use sea_orm::DbBackend;

    use super::*;

    /// The SQL of a list and of a per-base page reading `columns`, on both databases.
    fn list_statements(columns: TraineeColumns) -> Vec<String> {
        let args = PageArgs::Forward {
            limit: 20,
            after: None,
        };
        let order = TraineeOrder::default().sort();
        let mut statements = Vec::new();
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            let selected = || rows(&Actor::Anonymous, &TraineeFilter::default(), columns);
            let list = page::statement(backend, selected(), &order, &args)
                .expect("a first page needs no cursor");
            let per_base = page::per_parent_statement(
                backend,
                selected(),
                trainee::Column::BaseId,
                &[Uuid::nil()],
                &order,
                &args,
            )
            .expect("a first page needs no cursor");
            statements.extend([list.to_string(), per_base.to_string()]);
        }
        statements
    }

    #[test]
    fn lists_leave_the_identity_ciphertexts_in_the_database() {
        for sql in list_statements(TraineeColumns::WithPersonal) {
            assert!(sql.contains("\"phone_enc\""), "{sql}");
            for column in ["id_number_enc", "id_number_index", "certificate_enc"] {
                assert!(!sql.contains(column), "{column} in {sql}");
            }
        }
    }

    #[test]
    fn lists_without_personal_fields_leave_their_columns_in_the_database() {
        for sql in list_statements(TraineeColumns::Public) {
            assert!(sql.contains("\"name\""), "{sql}");
            for column in [
                "birth_date",
                "_masked",
                "phone_enc",
                "crypto_version",
                "_enc",
            ] {
                assert!(!sql.contains(column), "{column} in {sql}");
            }
        }
    }
}
