//! Livestream sessions: recording them with their audience and sales, and reading them in
//! scope.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{Platform, ProductStatus, base, livestream, livestream_product, product, trainee};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::profile::get as get_star;
use super::{staff, visible_stars};
use crate::auth::Actor;
use crate::error::AppError;
use crate::events::{Event, EventBus};
use crate::service::page::{self, Direction, Order, Page, PageArgs};
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now};
use crate::service::{catalog, money};

/// Longest livestream one record may describe: two days.
const MAX_DURATION_MINUTES: i32 = 48 * 60;

/// What `recordLivestream` asks for.
#[derive(Debug, Clone)]
pub struct NewLivestream {
    pub star_id: Uuid,
    pub platform: Platform,
    pub started_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub peak_viewers: i32,
    pub views: i32,
    pub orders: i32,
    pub sales: Decimal,
    /// Featured products, in the order given.
    pub product_ids: Vec<Uuid>,
}

/// Most products one livestream may feature.
const MAX_PRODUCTS: usize = 50;

fn check(input: &NewLivestream, problems: &mut Problems) -> Option<i64> {
    if !(1..=MAX_DURATION_MINUTES).contains(&input.duration_minutes) {
        problems.add(
            "durationMinutes",
            UserErrorCode::Invalid,
            format!("直播时长须在 1 到 {MAX_DURATION_MINUTES} 分钟之间"),
        );
    }
    if input.started_at > now() {
        problems.add("startedAt", UserErrorCode::Invalid, "开播时间不能晚于现在");
    }
    for (field, value) in [
        ("peakViewers", input.peak_viewers),
        ("views", input.views),
        ("orders", input.orders),
    ] {
        if value < 0 {
            problems.add(field, UserErrorCode::Invalid, "不能为负数");
        }
    }
    if input.peak_viewers > input.views && input.views >= 0 {
        problems.add(
            "views",
            UserErrorCode::Invalid,
            "观看人次不能少于最高同时在线人数",
        );
    }
    let sales = money::to_fen(problems, "sales", input.sales);
    if input.product_ids.len() > MAX_PRODUCTS {
        problems.add(
            "productIds",
            UserErrorCode::Invalid,
            format!("一场直播最多登记 {MAX_PRODUCTS} 件产品"),
        );
    }
    for (index, id) in input.product_ids.iter().enumerate() {
        if input.product_ids[..index].contains(id) {
            problems.push(product_error(index, UserErrorCode::Invalid, "产品重复"));
        }
    }
    sales
}

fn product_error(index: usize, code: UserErrorCode, message: &str) -> UserError {
    UserError {
        field: vec![
            "input".to_owned(),
            "productIds".to_owned(),
            index.to_string(),
        ],
        code,
        message: message.to_owned(),
    }
}

/// Checks the featured products: each must be a product the caller may see (`NOT_FOUND`
/// otherwise) and PUBLISHED (`INVALID_STATE` for a draft or archived one).
async fn check_products(
    db: &impl ConnectionTrait,
    actor: &Actor,
    product_ids: &[Uuid],
    problems: &mut Problems,
) -> Result<(), DbErr> {
    if product_ids.is_empty() {
        return Ok(());
    }
    let found: HashMap<Uuid, ProductStatus> = product::Entity::find()
        .filter(product::Column::Id.is_in(product_ids.iter().copied()))
        .filter(catalog::visible(actor, false))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.status))
        .collect();
    for (index, id) in product_ids.iter().enumerate() {
        match found.get(id) {
            None => problems.push(product_error(index, UserErrorCode::NotFound, "产品不存在")),
            Some(ProductStatus::Published) => {}
            Some(_) => problems.push(product_error(
                index,
                UserErrorCode::InvalidState,
                "只能登记已上架的产品",
            )),
        }
    }
    Ok(())
}

/// Records a livestream of a star the caller manages, and tells subscribers once it is
/// saved.
pub async fn record(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: &Actor,
    input: NewLivestream,
) -> ServiceResult<livestream::Model> {
    let user = staff(actor)?;
    let mut problems = Problems::default();
    let sales_fen = check(&input, &mut problems);
    let (created, base) = write(db)
        .run(async |txn| {
            let Some(star) = get_star(txn, actor, input.star_id).await? else {
                return Err(
                    UserError::input("starId", UserErrorCode::NotFound, "网创红人不存在").into(),
                );
            };
            check_products(txn, actor, &input.product_ids, &mut problems).await?;
            problems.into_result()?;
            let base = base::Entity::find()
                .filter(
                    base::Column::Id.in_subquery(
                        Query::select()
                            .column(trainee::Column::BaseId)
                            .from(trainee::Entity)
                            .and_where(trainee::Column::Id.eq(star.trainee_id))
                            .to_owned(),
                    ),
                )
                .one(txn)
                .await?
                .ok_or_else(|| {
                    AppError::internal(anyhow::anyhow!("star {} has no base", star.id))
                })?;
            let created = livestream::ActiveModel {
                id: Set(Uuid::now_v7()),
                star_id: Set(input.star_id),
                platform: Set(input.platform),
                started_at: Set(input.started_at),
                duration_minutes: Set(input.duration_minutes),
                peak_viewers: Set(input.peak_viewers),
                views: Set(input.views),
                orders: Set(input.orders),
                sales_fen: Set(sales_fen.unwrap_or_default()),
                recorded_by: Set(Some(user.user_id)),
                created_at: Set(now()),
            }
            .insert(txn)
            .await?;
            if !input.product_ids.is_empty() {
                let links = input.product_ids.iter().zip(0..).map(|(id, position)| {
                    livestream_product::ActiveModel {
                        livestream_id: Set(created.id),
                        product_id: Set(*id),
                        position: Set(position),
                    }
                });
                livestream_product::Entity::insert_many(links)
                    .exec_without_returning(txn)
                    .await?;
            }
            Ok((created, base))
        })
        .await?;
    events
        .publish(Event::LivestreamRecorded {
            livestream_id: created.id,
            base_id: base.id,
            region_code: base.region_code,
        })
        .await;
    Ok(created)
}

/// One livestream, if the caller may see its star.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> Result<Option<livestream::Model>, DbErr> {
    livestream::Entity::find_by_id(id)
        .filter(livestream::Column::StarId.in_subquery(visible_stars(actor)))
        .one(db)
        .await
}

/// A star's livestreams, newest first (ties by id).
pub fn newest_first() -> Order<livestream::Entity> {
    Order::by(
        "started_at",
        livestream::Column::StartedAt,
        livestream::Column::Id,
    )
    .direction(Direction::Desc)
}

/// One page of livestreams per star, newest first, in one statement for all stars. The
/// caller has already seen the stars.
pub async fn of_stars(
    db: &impl ConnectionTrait,
    star_ids: &[Uuid],
    args: &PageArgs,
) -> Result<HashMap<Uuid, Page<livestream::Model>>, AppError> {
    page::fetch_per_parent(
        db,
        livestream::Entity::find(),
        livestream::Column::StarId,
        star_ids,
        &newest_first(),
        args,
    )
    .await
}

/// How many livestreams each star has, in one grouped statement.
pub async fn count_of_stars(
    db: &impl ConnectionTrait,
    star_ids: &[Uuid],
) -> Result<HashMap<Uuid, u64>, DbErr> {
    page::count_per_parent(
        db,
        livestream::Entity::find(),
        livestream::Column::StarId,
        star_ids,
    )
    .await
}

#[derive(FromQueryResult)]
struct StarSales {
    star_id: Uuid,
    sales: i64,
}

/// The sales of all livestreams of each star, in fen, in one grouped statement. The caller
/// has already seen the stars.
pub async fn total_sales(
    db: &impl ConnectionTrait,
    star_ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>, DbErr> {
    let totals = livestream::Entity::find()
        .select_only()
        .column(livestream::Column::StarId)
        .expr_as(
            Expr::expr(livestream::Column::SalesFen.sum()).cast_as(Alias::new("BIGINT")),
            "sales",
        )
        .filter(livestream::Column::StarId.is_in(star_ids.iter().copied()))
        .group_by(livestream::Column::StarId)
        .into_model::<StarSales>()
        .all(db)
        .await?;
    Ok(totals.into_iter().map(|t| (t.star_id, t.sales)).collect())
}

/// The featured products of each livestream, in the order given, among those the caller may
/// see (a product archived since stays listed), in one statement.
pub async fn products_of(
    db: &impl ConnectionTrait,
    actor: &Actor,
    livestream_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<product::Model>>, DbErr> {
    let rows = livestream_product::Entity::find()
        .filter(livestream_product::Column::LivestreamId.is_in(livestream_ids.iter().copied()))
        .find_also_related(product::Entity)
        .filter(catalog::visible(actor, true))
        .order_by_asc(livestream_product::Column::LivestreamId)
        .order_by_asc(livestream_product::Column::Position)
        .all(db)
        .await?;
    let mut by_stream: HashMap<Uuid, Vec<product::Model>> = HashMap::new();
    for (link, product) in rows {
        if let Some(product) = product {
            by_stream
                .entry(link.livestream_id)
                .or_default()
                .push(product);
        }
    }
    Ok(by_stream)
}
