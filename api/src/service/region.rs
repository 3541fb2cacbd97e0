//! Regions: the GB/T 2260 hierarchy, read-only and public. The table is fixed data (shipped
//! with the migrations), so the server reads it once at start-up and answers from memory.

use std::collections::HashMap;
use std::sync::Arc;

use entity::region;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder};

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
