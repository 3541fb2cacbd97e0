//! The published catalog as a CSV file for partners' systems (`GET /catalog/products.csv`),
//! written by the spreadsheet module (formula injection guarded, one label table per enum).

use std::collections::HashMap;

use chrono::FixedOffset;
use entity::{ProductCategory, ProductStatus, base, producer_profile, product, region};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{image, product::tags_of, visible};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::ServiceResult;
use crate::service::labels::Labelled;
use crate::service::money::from_fen;
use crate::service::spreadsheet::{Cell, Sheet, SheetColumn, csv};

impl Labelled for ProductCategory {
    const LABELS: &'static [(Self, &'static [&'static str])] = &[
        (ProductCategory::Agricultural, &["农产品", "涉农产品"]),
        (ProductCategory::Food, &["食品"]),
        (ProductCategory::Handicraft, &["手工艺品", "手工"]),
        (
            ProductCategory::IntangibleHeritage,
            &["非遗", "非物质文化遗产"],
        ),
        (ProductCategory::Textile, &["纺织品"]),
        (ProductCategory::DigitalWork, &["数字作品"]),
        (ProductCategory::Service, &["服务"]),
        (ProductCategory::Other, &["其他"]),
    ];
}

/// Rows read per statement, so the export's memory grows with the catalog only as text.
const BATCH: u64 = 1000;

/// The PUBLISHED products the caller may see, oldest first, as CSV (UTF-8 with BOM so
/// spreadsheet programs read the Chinese text). Times are China time (UTC+8).
pub async fn products_csv(db: &impl ConnectionTrait, actor: &Actor) -> ServiceResult<Vec<u8>> {
    let columns = [
        "ID",
        "标题",
        "类别",
        "价格",
        "币种",
        "单位",
        "库存",
        "起订量",
        "产地代码",
        "产地",
        "基地",
        "生产者",
        "标签",
        "图片",
        "发布时间",
        "更新时间",
    ];
    let mut sheet = Sheet::new(
        "产品目录",
        columns.iter().map(|c| SheetColumn::new(*c)).collect(),
    );
    let china = FixedOffset::east_opt(8 * 3600)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("offset")))?;
    let mut regions: HashMap<String, String> = HashMap::new();
    let mut bases: HashMap<Uuid, String> = HashMap::new();
    let mut after: Option<Uuid> = None;
    loop {
        let mut select = product::Entity::find()
            .filter(visible(actor, false))
            .filter(product::Column::Status.eq(ProductStatus::Published))
            .order_by_asc(product::Column::Id);
        if let Some(after) = after {
            select = select.filter(product::Column::Id.gt(after));
        }
        let rows = sea_orm::QuerySelect::limit(select, BATCH).all(db).await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.id);
        let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
        let tags = tags_of(db, &ids).await?;
        let images = image::of_products(db, &ids).await?;
        let producers: HashMap<Uuid, String> = producer_profile::Entity::find()
            .filter(producer_profile::Column::Id.is_in(rows.iter().map(|p| p.producer_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.display_name))
            .collect();
        let missing_regions: Vec<String> = rows
            .iter()
            .map(|p| p.origin_region_code.clone())
            .filter(|c| !regions.contains_key(c))
            .collect();
        if !missing_regions.is_empty() {
            for r in region::Entity::find()
                .filter(region::Column::Code.is_in(missing_regions))
                .all(db)
                .await?
            {
                regions.insert(r.code, r.name);
            }
        }
        let missing_bases: Vec<Uuid> = rows
            .iter()
            .map(|p| p.base_id)
            .filter(|b| !bases.contains_key(b))
            .collect();
        if !missing_bases.is_empty() {
            for b in base::Entity::find()
                .filter(base::Column::Id.is_in(missing_bases))
                .all(db)
                .await?
            {
                bases.insert(b.id, b.name);
            }
        }
        for p in &rows {
            let text = |s: &str| Cell::Text(s.to_owned());
            let urls: Vec<String> = images
                .get(&p.id)
                .map(|list| list.iter().map(|i| image::url(i, None)).collect())
                .unwrap_or_default();
            sheet.push(vec![
                text(&p.id.to_string()),
                text(&p.title),
                text(p.category.label()),
                Cell::Decimal(from_fen(p.price_fen)),
                text(&p.currency),
                text(&p.unit),
                Cell::Integer(p.stock.into()),
                Cell::Integer(p.min_order_quantity.into()),
                text(&p.origin_region_code),
                text(
                    regions
                        .get(&p.origin_region_code)
                        .map_or("", String::as_str),
                ),
                text(bases.get(&p.base_id).map_or("", String::as_str)),
                text(producers.get(&p.producer_id).map_or("", String::as_str)),
                text(&tags.get(&p.id).map(|t| t.join("；")).unwrap_or_default()),
                text(&urls.join(" ")),
                p.published_at.map_or(Cell::Empty, |t| {
                    Cell::DateTime(t.with_timezone(&china).naive_local())
                }),
                Cell::DateTime(p.updated_at.with_timezone(&china).naive_local()),
            ]);
        }
    }
    csv(&sheet).map_err(|err| AppError::internal(err).into())
}
