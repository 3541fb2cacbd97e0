//! Reading the catalog: the filters of `products`, single and batched reads.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{ProductCategory, ProductStatus, product, product_tag};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

use super::product::search_grams;
use super::visible;
use crate::auth::{Actor, RegionScope};
use crate::error::AppError;
use crate::service::page::{self, Direction, Order, Page, PageArgs};
use crate::service::scope::in_region;
use crate::service::{ServiceResult, validate};

/// What the catalog is sorted by; ties are broken by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductSort {
    /// Publication time; never-published drafts have none and sort after every time
    /// ascending, before every time descending.
    PublishedAt,
    Price,
    Title,
    UpdatedAt,
}

/// A sort and its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProductOrder {
    pub sort: ProductSort,
    pub direction: Direction,
}

impl ProductOrder {
    /// The order when none is asked for: newest publications first, or for a sync
    /// (`updatedSince`) oldest changes first, so the last cursor is where the next sync starts.
    pub fn default_for(filter: &ProductFilter) -> Self {
        if filter.updated_since.is_some() {
            ProductOrder {
                sort: ProductSort::UpdatedAt,
                direction: Direction::Asc,
            }
        } else {
            ProductOrder {
                sort: ProductSort::PublishedAt,
                direction: Direction::Desc,
            }
        }
    }

    /// The keyset order: each has a `(status, key, id)` or `(key, id)` index.
    pub fn keyset(&self) -> Order<product::Entity> {
        use product::Column;
        let order = match self.sort {
            ProductSort::PublishedAt => Order::by("published_at", Column::PublishedAt, Column::Id),
            ProductSort::Price => Order::by("price", Column::PriceFen, Column::Id),
            ProductSort::Title => Order::by("title", Column::Title, Column::Id),
            ProductSort::UpdatedAt => Order::by("updated_at", Column::UpdatedAt, Column::Id),
        };
        order.direction(self.direction)
    }
}

/// Filters of the catalog; all given conditions must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ProductFilter {
    pub categories: Vec<ProductCategory>,
    pub statuses: Vec<ProductStatus>,
    /// Products originating in this region or under it.
    pub region_code: Option<String>,
    pub base_id: Option<Uuid>,
    /// A producer profile id.
    pub producer_id: Option<Uuid>,
    /// The producing trainee (for `Trainee.products`).
    pub trainee_id: Option<Uuid>,
    /// Case-insensitive part of the title, description or a tag.
    pub search: Option<String>,
    pub price_min_fen: Option<i64>,
    pub price_max_fen: Option<i64>,
    /// True: stock above 0; false: sold out.
    pub in_stock: Option<bool>,
    /// Products carrying every one of these tags.
    pub tags: Vec<String>,
    /// Changed at or after this time; archived products that were once published are
    /// included so a partner's copy can drop them.
    pub updated_since: Option<DateTime<Utc>>,
}

/// The search index's part of a search (migration 09): every two-character sequence of the
/// term must be a token of the product (`search_grams`), which the index finds without
/// reading the catalog; the `LIKE` on `search_text` beside it keeps the match exact. On
/// PostgreSQL a GIN index over the stored `search_tsv` (`to_tsvector('simple',
/// search_grams)`, a column only PostgreSQL has), on SQLite the FTS5
/// table `product_fts`. None for a one-character term (a scan, see `bench/README.md`).
fn token_condition(backend: DbBackend, search: &str) -> Option<SimpleExpr> {
    let grams = search_grams(&search.trim().to_lowercase());
    if grams.is_empty() {
        return None;
    }
    Some(match backend {
        DbBackend::Postgres => Expr::cust_with_values(
            r#""product"."search_tsv" @@ plainto_tsquery('simple', $1)"#,
            [grams],
        ),
        _ => {
            let phrases: Vec<String> = grams.split(' ').map(|g| format!("\"{g}\"")).collect();
            Expr::cust_with_values(
                r#""product"."rowid" IN (SELECT "rowid" FROM "product_fts" WHERE "product_fts" MATCH ?)"#,
                [phrases.join(" AND ")],
            )
        }
    })
}

/// The products the caller may see that meet the filter, as SQL for `backend`.
pub fn filtered(
    backend: DbBackend,
    actor: &Actor,
    filter: &ProductFilter,
) -> Select<product::Entity> {
    let mut select = product::Entity::find().filter(visible(actor, filter.updated_since.is_some()));
    if !filter.categories.is_empty() {
        select = select.filter(product::Column::Category.is_in(filter.categories.iter().copied()));
    }
    if !filter.statuses.is_empty() {
        select = select.filter(product::Column::Status.is_in(filter.statuses.iter().copied()));
    }
    if let Some(code) = filter.region_code.as_deref() {
        select = select.filter(in_region(
            product::Column::OriginRegionCode,
            &RegionScope::of(Some(code.trim())),
        ));
    }
    if let Some(base_id) = filter.base_id {
        select = select.filter(product::Column::BaseId.eq(base_id));
    }
    if let Some(producer_id) = filter.producer_id {
        select = select.filter(product::Column::ProducerId.eq(producer_id));
    }
    if let Some(trainee_id) = filter.trainee_id {
        select = select.filter(product::Column::TraineeId.eq(trainee_id));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        if let Some(tokens) = token_condition(backend, search) {
            select = select.filter(tokens);
        }
        select = select.filter(
            Expr::col(product::Column::SearchText)
                .like(LikeExpr::new(validate::like_pattern(search)).escape('\\')),
        );
    }
    if let Some(min) = filter.price_min_fen {
        select = select.filter(product::Column::PriceFen.gte(min));
    }
    if let Some(max) = filter.price_max_fen {
        select = select.filter(product::Column::PriceFen.lte(max));
    }
    match filter.in_stock {
        Some(true) => select = select.filter(product::Column::Stock.gt(0)),
        Some(false) => select = select.filter(product::Column::Stock.eq(0)),
        None => {}
    }
    let tags: Vec<String> = filter
        .tags
        .iter()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect();
    if !tags.is_empty() {
        let wanted = i64::try_from(tags.len()).unwrap_or(i64::MAX);
        let tagged = Query::select()
            .column(product_tag::Column::ProductId)
            .from(product_tag::Entity)
            .and_where(product_tag::Column::Tag.is_in(tags))
            .group_by_col(product_tag::Column::ProductId)
            .and_having(Expr::col(product_tag::Column::Tag).count().eq(wanted))
            .to_owned();
        select = select.filter(product::Column::Id.in_subquery(tagged));
    }
    if let Some(since) = filter.updated_since {
        select = select.filter(product::Column::UpdatedAt.gte(since));
    }
    select
}

/// One product, if the caller may see it.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<Option<product::Model>> {
    Ok(product::Entity::find_by_id(id)
        .filter(visible(actor, false))
        .one(db)
        .await?)
}

/// Products by id among those the caller may see, for the product loader (of inquiries):
/// a product archived since it was published stays readable there.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, product::Model>, DbErr> {
    Ok(product::Entity::find()
        .filter(product::Column::Id.is_in(ids.iter().copied()))
        .filter(visible(actor, true))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// One page of the products the caller may see that meet the filter.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ProductFilter,
    order: ProductOrder,
    args: &PageArgs,
) -> ServiceResult<Page<product::Model>> {
    Ok(page::fetch(
        db,
        filtered(db.get_database_backend(), actor, filter),
        &order.keyset(),
        args,
    )
    .await?)
}

/// How many products the caller may see meet the filter.
pub async fn count(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ProductFilter,
) -> ServiceResult<u64> {
    Ok(page::count(db, filtered(db.get_database_backend(), actor, filter)).await?)
}

/// A page of each trainee's visible products (for `Trainee.products`), in one statement for
/// all trainees, in creation order.
pub async fn first_per_trainee(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_ids: &[Uuid],
    args: &PageArgs,
) -> Result<HashMap<Uuid, Page<product::Model>>, AppError> {
    page::fetch_per_parent(
        db,
        filtered(db.get_database_backend(), actor, &ProductFilter::default()),
        product::Column::TraineeId,
        trainee_ids,
        &Order::by_id(product::Column::Id),
        args,
    )
    .await
}

/// How many visible products each trainee has, in one statement.
pub async fn count_per_trainee(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_ids: &[Uuid],
) -> Result<HashMap<Uuid, u64>, DbErr> {
    page::count_per_parent(
        db,
        filtered(db.get_database_backend(), actor, &ProductFilter::default()),
        product::Column::TraineeId,
        trainee_ids,
    )
    .await
}
