//! Changing products: creating drafts, versioned updates, publishing and archiving.
//! Longer than ~400 lines because the four product mutations share one validation, one
//! versioned save and the tag and search-text helpers they all write through.

use std::collections::HashMap;

use entity::{
    ProductCategory, ProductStatus, base, product, product_image, product_tag, region, trainee,
};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::{managed, producer};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::money;
use crate::service::scope::Scope;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};

/// Most tags a product may carry.
pub const MAX_TAGS: usize = 20;
/// Longest tag, in characters.
const MAX_TAG_CHARS: usize = 30;

/// What `createProduct` asks for.
#[derive(Debug, Clone)]
pub struct NewProduct {
    pub producer_trainee_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub category: ProductCategory,
    pub price: Decimal,
    pub unit: String,
    pub stock: i32,
    pub min_order_quantity: Option<i32>,
    pub origin_region_code: Option<String>,
    pub tags: Vec<String>,
}

/// What `updateProduct` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProductChanges {
    pub id: Uuid,
    pub version: i32,
    pub title: Option<String>,
    /// `Some("")` removes the description.
    pub description: Option<String>,
    pub category: Option<ProductCategory>,
    pub price: Option<Decimal>,
    pub unit: Option<String>,
    pub stock: Option<i32>,
    pub min_order_quantity: Option<i32>,
    pub tags: Option<Vec<String>>,
}

/// Tags as stored: trimmed, inner whitespace collapsed, blanks dropped, duplicates (ignoring
/// case) removed keeping the first; at most [`MAX_TAGS`] of at most 30 characters each.
pub fn normalize_tags(problems: &mut Problems, tags: &[String]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut kept = Vec::new();
    for tag in tags {
        let tag = tag.split_whitespace().collect::<Vec<_>>().join(" ");
        if tag.is_empty() {
            continue;
        }
        let folded = tag.to_lowercase();
        if seen.contains(&folded) {
            continue;
        }
        if tag.chars().count() > MAX_TAG_CHARS {
            problems.add(
                "tags",
                UserErrorCode::Invalid,
                format!("每个标签最多 {MAX_TAG_CHARS} 个字符"),
            );
            return Vec::new();
        }
        seen.push(folded);
        kept.push(tag);
    }
    if kept.len() > MAX_TAGS {
        problems.add(
            "tags",
            UserErrorCode::Invalid,
            format!("标签最多 {MAX_TAGS} 个"),
        );
    }
    kept
}

/// What `search` matches: title, description and tags, lower-cased.
pub fn search_text(title: &str, description: Option<&str>, tags: &[String]) -> String {
    let mut text = title.to_lowercase();
    if let Some(description) = description {
        text.push('\n');
        text.push_str(&description.to_lowercase());
    }
    for tag in tags {
        text.push('\n');
        text.push_str(&tag.to_lowercase());
    }
    text
}

/// The search index's tokens: every two-character sequence inside the words (runs of
/// letters and digits) of `text`, once each, space-separated. A term of two or more
/// characters is in `text` only if all its own sequences are tokens here.
pub fn search_grams(text: &str) -> String {
    let mut grams: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = word.chars().collect();
        for pair in chars.windows(2) {
            let gram: String = pair.iter().collect();
            if !grams.contains(&gram) {
                grams.push(gram);
            }
        }
    }
    grams.join(" ")
}

fn check_counts(problems: &mut Problems, stock: Option<i32>, min_order_quantity: Option<i32>) {
    if stock.is_some_and(|s| s < 0) {
        problems.add("stock", UserErrorCode::Invalid, "库存不能小于 0");
    }
    if min_order_quantity.is_some_and(|m| m < 1) {
        problems.add(
            "minOrderQuantity",
            UserErrorCode::Invalid,
            "起订量不能小于 1",
        );
    }
}

/// Replaces a product's tags.
async fn save_tags(
    db: &impl ConnectionTrait,
    product_id: Uuid,
    tags: &[String],
) -> Result<(), DbErr> {
    product_tag::Entity::delete_many()
        .filter(product_tag::Column::ProductId.eq(product_id))
        .exec(db)
        .await?;
    if tags.is_empty() {
        return Ok(());
    }
    product_tag::Entity::insert_many(tags.iter().enumerate().map(|(i, tag)| {
        product_tag::ActiveModel {
            product_id: Set(product_id),
            tag: Set(tag.clone()),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// The tags of each product, in their order.
pub async fn tags_of(
    db: &impl ConnectionTrait,
    product_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<String>>, DbErr> {
    let rows = product_tag::Entity::find()
        .filter(product_tag::Column::ProductId.is_in(product_ids.iter().copied()))
        .order_by_asc(product_tag::Column::ProductId)
        .order_by_asc(product_tag::Column::Position)
        .all(db)
        .await?;
    let mut by_product: HashMap<Uuid, Vec<String>> = HashMap::new();
    for row in rows {
        by_product.entry(row.product_id).or_default().push(row.tag);
    }
    Ok(by_product)
}

/// Creates a DRAFT product for a producer the caller manages: a BASE_MANAGER for the
/// trainees of its bases, a TRAINEE for itself, an ADMIN for trainees in its region.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewProduct,
) -> ServiceResult<product::Model> {
    producing_role(actor)?;
    let mut problems = Problems::default();
    let title = validate::text(&mut problems, "title", &input.title, 1, 100);
    let description = validate::optional_text(
        &mut problems,
        "description",
        input.description.as_deref(),
        5000,
    );
    let unit = validate::text(&mut problems, "unit", &input.unit, 1, 20);
    let price_fen = money::to_fen(&mut problems, "price", input.price);
    check_counts(&mut problems, Some(input.stock), input.min_order_quantity);
    let tags = normalize_tags(&mut problems, &input.tags);

    write(db)
        .run(async |txn| {
            let producer = trainee::Entity::find_by_id(input.producer_trainee_id)
                .filter(
                    Scope::of(actor)
                        .trainees(trainee::Column::Id, trainee::Column::BaseId)
                        .condition(),
                )
                .one(txn)
                .await?;
            let at_base = match &producer {
                Some(t) => base::Entity::find_by_id(t.base_id).one(txn).await?,
                None => None,
            };
            let (Some(producer), Some(at_base)) = (producer, at_base) else {
                problems.add("producerTraineeId", UserErrorCode::NotFound, "学员不存在");
                return Err(problems
                    .into_result()
                    .err()
                    .unwrap_or_else(|| AppError::NotFound.into()));
            };
            let origin = match input.origin_region_code.as_deref().map(str::trim) {
                None | Some("") => Some(at_base.region_code.clone()),
                Some(code) => {
                    if region::Entity::find_by_id(code.to_owned())
                        .one(txn)
                        .await?
                        .is_some()
                    {
                        Some(code.to_owned())
                    } else {
                        problems.add("originRegionCode", UserErrorCode::NotFound, "地区不存在");
                        None
                    }
                }
            };
            problems.into_result()?;
            let (Some(title), Some(description), Some(unit), Some(price_fen), Some(origin)) =
                (title, description, unit, price_fen, origin)
            else {
                return Err(
                    AppError::internal(anyhow::anyhow!("validated product incomplete")).into(),
                );
            };
            let profile = producer::ensure(txn, &producer, &at_base).await?;
            let now = now();
            let id = Uuid::now_v7();
            let created = product::ActiveModel {
                id: Set(id),
                base_id: Set(at_base.id),
                producer_id: Set(profile.id),
                trainee_id: Set(producer.id),
                search_grams: Set(search_grams(&search_text(
                    &title,
                    description.as_deref(),
                    &tags,
                ))),
                search_text: Set(search_text(&title, description.as_deref(), &tags)),
                title: Set(title),
                description: Set(description),
                category: Set(input.category),
                status: Set(ProductStatus::Draft),
                price_fen: Set(price_fen),
                currency: Set("CNY".to_owned()),
                unit: Set(unit),
                stock: Set(input.stock),
                min_order_quantity: Set(input.min_order_quantity.unwrap_or(1)),
                origin_region_code: Set(origin),
                published_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(txn)
            .await?;
            save_tags(txn, id, &tags).await?;
            Ok(created)
        })
        .await
}

/// Roles that make products; others are `FORBIDDEN`, anonymous callers `UNAUTHENTICATED`.
fn producing_role(actor: &Actor) -> Result<(), AppError> {
    match Scope::of(actor).role() {
        None => Err(AppError::Unauthenticated),
        Some(entity::Role::Admin | entity::Role::BaseManager | entity::Role::Trainee) => Ok(()),
        Some(_) => Err(AppError::Forbidden),
    }
}

/// A product the caller manages, read inside a mutation's transaction.
async fn managed_one(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
    field: &str,
) -> ServiceResult<product::Model> {
    producing_role(actor)?;
    product::Entity::find_by_id(id)
        .filter(managed(actor))
        .one(db)
        .await?
        .ok_or_else(|| UserError::input(field, UserErrorCode::NotFound, "产品不存在").into())
}

fn stale() -> UserError {
    UserError::input(
        "version",
        UserErrorCode::StaleVersion,
        "产品已被他人修改，请刷新后重试",
    )
}

/// Writes a changed product if its version is still `version` (`STALE_VERSION` otherwise)
/// and reads it back.
async fn save(
    db: &impl ConnectionTrait,
    mut model: product::ActiveModel,
    id: Uuid,
    version: i32,
) -> ServiceResult<product::Model> {
    model.updated_at = Set(now());
    model.version = Set(version + 1);
    let result = product::Entity::update_many()
        .set(model)
        .filter(product::Column::Id.eq(id))
        .filter(product::Column::Version.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(stale().into());
    }
    Ok(product::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?)
}

/// Updates a product the caller manages, guarded by `version`. A PUBLISHED product keeps
/// what publishing needs (a price above 0).
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    changes: ProductChanges,
) -> ServiceResult<product::Model> {
    write(db)
        .run(async |txn| {
            let existing = managed_one(txn, actor, changes.id, "id").await?;
            if existing.version != changes.version {
                return Err(stale().into());
            }
            let mut problems = Problems::default();
            let mut model: product::ActiveModel = existing.clone().into();
            let mut title = existing.title.clone();
            let mut description = existing.description.clone();
            if let Some(value) = changes.title.as_deref()
                && let Some(value) = validate::text(&mut problems, "title", value, 1, 100)
            {
                title = value.clone();
                model.title = Set(value);
            }
            if changes.description.is_some()
                && let Some(value) = validate::optional_text(
                    &mut problems,
                    "description",
                    changes.description.as_deref(),
                    5000,
                )
            {
                description = value.clone();
                model.description = Set(value);
            }
            if let Some(category) = changes.category {
                model.category = Set(category);
            }
            if let Some(price) = changes.price
                && let Some(fen) = money::to_fen(&mut problems, "price", price)
            {
                if fen == 0 && existing.status == ProductStatus::Published {
                    problems.add("price", UserErrorCode::Invalid, "已发布产品的价格须大于 0");
                }
                model.price_fen = Set(fen);
            }
            if let Some(value) = changes.unit.as_deref()
                && let Some(value) = validate::text(&mut problems, "unit", value, 1, 20)
            {
                model.unit = Set(value);
            }
            check_counts(&mut problems, changes.stock, changes.min_order_quantity);
            if let Some(stock) = changes.stock {
                model.stock = Set(stock);
            }
            if let Some(min) = changes.min_order_quantity {
                model.min_order_quantity = Set(min);
            }
            let tags = match &changes.tags {
                Some(tags) => normalize_tags(&mut problems, tags),
                None => tags_of(txn, &[existing.id])
                    .await?
                    .remove(&existing.id)
                    .unwrap_or_default(),
            };
            problems.into_result()?;
            let text = search_text(&title, description.as_deref(), &tags);
            model.search_grams = Set(search_grams(&text));
            model.search_text = Set(text);
            let saved = save(txn, model, existing.id, changes.version).await?;
            if changes.tags.is_some() {
                save_tags(txn, existing.id, &tags).await?;
            }
            Ok(saved)
        })
        .await
}

/// Publishes a DRAFT or ARCHIVED product the caller manages. It needs a title, a price
/// above 0, a unit and at least one image, every image with alt text; otherwise
/// `INVALID_STATE` naming each missing part.
pub async fn publish(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<product::Model> {
    write(db)
        .run(async |txn| {
            let existing = managed_one(txn, actor, id, "id").await?;
            if existing.status == ProductStatus::Published {
                return Err(
                    UserError::input("id", UserErrorCode::InvalidState, "产品已发布").into(),
                );
            }
            let images = product_image::Entity::find()
                .filter(product_image::Column::ProductId.eq(id))
                .order_by_asc(product_image::Column::Position)
                .all(txn)
                .await?;
            let mut missing = Vec::new();
            let mut lack = |field: Vec<String>, message: &str| {
                missing.push(UserError {
                    field,
                    code: UserErrorCode::InvalidState,
                    message: message.to_owned(),
                });
            };
            if existing.title.trim().is_empty() {
                lack(vec!["title".into()], "发布前须填写标题");
            }
            if existing.price_fen <= 0 {
                lack(vec!["price".into()], "发布前须填写大于 0 的价格");
            }
            if existing.unit.trim().is_empty() {
                lack(vec!["unit".into()], "发布前须填写计量单位");
            }
            if images.is_empty() {
                lack(vec!["images".into()], "发布前须上传至少一张图片");
            }
            for (index, image) in images.iter().enumerate() {
                if image
                    .alt_text
                    .as_deref()
                    .is_none_or(|t| t.trim().is_empty())
                {
                    lack(
                        vec!["images".into(), index.to_string(), "altText".into()],
                        "发布前须为每张图片填写替代文字（供读屏软件朗读）",
                    );
                }
            }
            if !missing.is_empty() {
                return Err(crate::service::ServiceError::User(missing));
            }
            let mut model: product::ActiveModel = existing.clone().into();
            model.status = Set(ProductStatus::Published);
            // The first publication counts (reports count products by it).
            model.published_at = Set(existing.published_at.or(Some(now())));
            let saved = save(txn, model, id, existing.version).await?;
            Ok(saved)
        })
        .await
}

/// Archives a product the caller manages: partners no longer see it (a sync by
/// `updatedSince` reports it as ARCHIVED so copies can drop it).
pub async fn archive(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<product::Model> {
    write(db)
        .run(async |txn| {
            let existing = managed_one(txn, actor, id, "id").await?;
            if existing.status == ProductStatus::Archived {
                return Err(
                    UserError::input("id", UserErrorCode::InvalidState, "产品已下架").into(),
                );
            }
            let mut model: product::ActiveModel = existing.clone().into();
            model.status = Set(ProductStatus::Archived);
            let saved = save(txn, model, id, existing.version).await?;
            Ok(saved)
        })
        .await
}

/// A product the caller manages, for changes made elsewhere in the domain (images).
pub(super) async fn for_change(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
    field: &str,
) -> ServiceResult<product::Model> {
    managed_one(db, actor, id, field).await
}

/// Marks a product changed (its `updatedAt` and `version`), e.g. after an image change, so
/// a sync by `updatedSince` picks it up.
pub(super) async fn touch(
    db: &impl ConnectionTrait,
    existing: &product::Model,
) -> ServiceResult<product::Model> {
    let model: product::ActiveModel = existing.clone().into();
    save(db, model, existing.id, existing.version).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_are_the_two_character_sequences_of_words() {
        assert_eq!(
            search_grams("长白山黑木耳 500g"),
            "长白 白山 山黑 黑木 木耳 50 00 0g"
        );
        assert_eq!(search_grams("a 木"), "");
        assert_eq!(search_grams("木耳，木耳"), "木耳");
    }

    #[test]
    fn tags_are_trimmed_deduplicated_and_bounded() {
        let mut problems = Problems::default();
        let tags = normalize_tags(
            &mut problems,
            &[
                " 木耳 ".into(),
                "木耳".into(),
                "Organic".into(),
                "organic".into(),
                " ".into(),
            ],
        );
        assert_eq!(tags, ["木耳", "Organic"]);
        assert!(problems.is_empty());
        let many: Vec<String> = (0..21).map(|i| i.to_string()).collect();
        normalize_tags(&mut problems, &many);
        assert!(!problems.is_empty());
    }
}
