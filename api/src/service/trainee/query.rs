//! Reading trainees: who sees whom (in SQL), the filtered list, single and batched reads,
//! and per-base pages for nested connections.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use entity::{DisabilityCategory, Residence, TraineeStatus, TrainingCategory, trainee};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LikeExpr, Query, WindowStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, QueryTrait, Select,
};
use uuid::Uuid;

use crate::auth::{Actor, RegionScope};
use crate::service::categories;
use crate::service::page::{self, Page, PageArgs};
use crate::service::scope::{Scope, in_region};
use crate::service::{ServiceResult, validate};

/// Registration dates in filters are Chinese calendar dates: midnight in UTC+8 is 16:00
/// UTC the day before.
fn china_midnight_utc(date: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    date.and_time(NaiveTime::MIN).and_utc() - chrono::Duration::hours(8)
}

/// The trainees `actor` may see, as a SQL condition (see [`Scope::trainees`]).
pub fn visible(actor: &Actor) -> Condition {
    Scope::of(actor)
        .trainees(trainee::Column::Id, trainee::Column::BaseId)
        .condition()
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
    /// Case-insensitive part of the name.
    pub search: Option<String>,
    /// Registered on or after this date (China time).
    pub registered_from: Option<NaiveDate>,
    /// Registered on or before this date (China time).
    pub registered_to: Option<NaiveDate>,
}

fn filtered(actor: &Actor, filter: &TraineeFilter) -> Select<trainee::Entity> {
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

/// One page of the trainees the caller may see, in registration order.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &TraineeFilter,
    args: PageArgs,
) -> ServiceResult<Page<trainee::Model>> {
    Ok(page::fetch(db, filtered(actor, filter), trainee::Column::Id, args).await?)
}

/// How many trainees the caller may see match the filter.
pub async fn count(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &TraineeFilter,
) -> ServiceResult<u64> {
    Ok(page::count(db, filtered(actor, filter)).await?)
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

/// Trainees by id among those the caller may see, for the trainee loader.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, trainee::Model>, DbErr> {
    Ok(trainee::Entity::find()
        .filter(trainee::Column::Id.is_in(ids.iter().copied()))
        .filter(visible(actor))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect())
}

#[derive(FromQueryResult)]
struct BaseCount {
    base_id: Uuid,
    count: i64,
}

/// The first `limit` visible trainees of each base (after `after`), in one statement for all
/// bases: a window function numbers each base's rows.
pub async fn first_per_base(
    db: &impl ConnectionTrait,
    actor: &Actor,
    base_ids: &[Uuid],
    filter: &TraineeFilter,
    limit: u64,
    after: Option<Uuid>,
) -> Result<HashMap<Uuid, Page<trainee::Model>>, DbErr> {
    let rank = Alias::new("rank_in_base");
    let mut inner =
        filtered(actor, filter).filter(trainee::Column::BaseId.is_in(base_ids.iter().copied()));
    if let Some(after) = after {
        inner = inner.filter(trainee::Column::Id.gt(after));
    }
    let mut inner = inner.into_query();
    inner.expr_window_as(
        Func::cust(Alias::new("ROW_NUMBER")),
        WindowStatement::partition_by(trainee::Column::BaseId)
            .order_by(trainee::Column::Id, sea_orm::Order::Asc)
            .to_owned(),
        rank.clone(),
    );
    let numbered = Alias::new("numbered");
    let outer = Query::select()
        .column(sea_orm::sea_query::Asterisk)
        .from_subquery(inner, numbered)
        .and_where(Expr::col(rank.clone()).lte(limit + 1))
        .order_by(rank, sea_orm::Order::Asc)
        .to_owned();
    let statement = db.get_database_backend().build(&outer);
    let rows = trainee::Model::find_by_statement(statement).all(db).await?;
    let mut pages: HashMap<Uuid, Page<trainee::Model>> = base_ids
        .iter()
        .map(|id| {
            (
                *id,
                Page {
                    items: Vec::new(),
                    has_previous: after.is_some(),
                    has_next: false,
                },
            )
        })
        .collect();
    for row in rows {
        if let Some(page) = pages.get_mut(&row.base_id) {
            if page.items.len() as u64 == limit {
                page.has_next = true;
            } else {
                page.items.push(row);
            }
        }
    }
    Ok(pages)
}

/// How many visible trainees matching the filter each base has, in one statement.
pub async fn count_per_base(
    db: &impl ConnectionTrait,
    actor: &Actor,
    base_ids: &[Uuid],
    filter: &TraineeFilter,
) -> Result<HashMap<Uuid, u64>, DbErr> {
    let counts = filtered(actor, filter)
        .filter(trainee::Column::BaseId.is_in(base_ids.iter().copied()))
        .select_only()
        .column(trainee::Column::BaseId)
        .column_as(trainee::Column::Id.count(), "count")
        .group_by(trainee::Column::BaseId)
        .into_model::<BaseCount>()
        .all(db)
        .await?;
    Ok(counts
        .into_iter()
        .map(|c| (c.base_id, u64::try_from(c.count).unwrap_or(0)))
        .collect())
}

/// What a trainee wants to learn.
pub fn interests(model: &trainee::Model) -> Vec<TrainingCategory> {
    categories::decode(&model.interests)
}
