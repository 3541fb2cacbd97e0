//! Regions: the GB/T 2260 hierarchy, read-only and public. The table is fixed data (shipped
//! with the migrations), so the server reads it once at start-up and answers from memory.

use std::collections::HashMap;
use std::sync::Arc;

use entity::region;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// Every region, indexed by code and by parent; immutable once loaded.
#[derive(Default)]
pub struct Regions {
    by_code: HashMap<String, Arc<region::Model>>,
    /// Children by parent code, ordered by code.
    children: HashMap<String, Vec<Arc<region::Model>>>,
    /// Regions without a parent, ordered by code.
    provinces: Vec<Arc<region::Model>>,
}

impl Regions {
    /// Reads the whole region table.
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let rows = region::Entity::find()
            .order_by_asc(region::Column::Code)
            .all(db)
            .await?;
        let mut regions = Regions::default();
        for row in rows {
            let row = Arc::new(row);
            match &row.parent_code {
                Some(parent) => regions
                    .children
                    .entry(parent.clone())
                    .or_default()
                    .push(row.clone()),
                None => regions.provinces.push(row.clone()),
            }
            regions.by_code.insert(row.code.clone(), row);
        }
        Ok(regions)
    }

    /// One region by code.
    pub fn get(&self, code: &str) -> Option<&Arc<region::Model>> {
        self.by_code.get(code)
    }

    /// The provinces (no parent) or the children of `parent_code`, by code.
    pub fn list(&self, parent_code: Option<&str>) -> &[Arc<region::Model>] {
        match parent_code {
            None => &self.provinces,
            Some(parent) => self.children.get(parent).map_or(&[], Vec::as_slice),
        }
    }
}

/// One region read from the database, for services that work inside a transaction or
/// without the server state (reports, targets); resolvers use [`Regions`].
pub async fn get(db: &impl ConnectionTrait, code: &str) -> Result<Option<region::Model>, DbErr> {
    region::Entity::find_by_id(code.to_owned()).one(db).await
}

/// The child regions of each parent, by parent code, ordered by code, in one statement.
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
