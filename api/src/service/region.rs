//! Regions: the GB/T 2260 hierarchy, read-only and public.

use std::collections::HashMap;

use entity::region;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// One region by code.
pub async fn get(db: &impl ConnectionTrait, code: &str) -> Result<Option<region::Model>, DbErr> {
    region::Entity::find_by_id(code.to_owned()).one(db).await
}

/// The provinces (no parent) or the children of `parent_code`, by code.
pub async fn list(
    db: &impl ConnectionTrait,
    parent_code: Option<&str>,
) -> Result<Vec<region::Model>, DbErr> {
    let select = region::Entity::find().order_by_asc(region::Column::Code);
    let select = match parent_code {
        Some(parent) => select.filter(region::Column::ParentCode.eq(parent)),
        None => select.filter(region::Column::ParentCode.is_null()),
    };
    select.all(db).await
}

/// Regions by code, for the region loader.
pub async fn by_codes(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<HashMap<String, region::Model>, DbErr> {
    Ok(region::Entity::find()
        .filter(region::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.code.clone(), r))
        .collect())
}

/// The children of each parent code, by code, for the children loader.
pub async fn children_of(
    db: &impl ConnectionTrait,
    parent_codes: &[String],
) -> Result<HashMap<String, Vec<region::Model>>, DbErr> {
    let children = region::Entity::find()
        .filter(region::Column::ParentCode.is_in(parent_codes.iter().cloned()))
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?;
    let mut by_parent: HashMap<String, Vec<region::Model>> = HashMap::new();
    for child in children {
        if let Some(parent) = child.parent_code.clone() {
            by_parent.entry(parent).or_default().push(child);
        }
    }
    Ok(by_parent)
}
