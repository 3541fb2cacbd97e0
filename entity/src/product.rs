//! Products of disabled producers (残疾人产品作品库, 涉农产品库).

use sea_orm::entity::prelude::*;

use crate::{ProductCategory, ProductStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub base_id: Uuid,
    pub producer_id: Uuid,
    /// The producing trainee, for the scope of TRAINEE callers; never exposed.
    pub trainee_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub category: ProductCategory,
    pub status: ProductStatus,
    /// Price in fen (1/100 yuan): exact integer money.
    pub price_fen: i64,
    pub currency: String,
    pub unit: String,
    pub stock: i32,
    pub min_order_quantity: i32,
    pub origin_region_code: String,
    /// Lower-cased title, description and tags: what `search` matches.
    pub search_text: String,
    /// The two-character sequences of `search_text`'s words, space-separated: the tokens of
    /// the search index that serves short (Chinese) terms.
    pub search_grams: String,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
