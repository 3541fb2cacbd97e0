//! The public face of a producer: a chosen display name, region, base and story. It holds
//! no personal data, so partners and anonymous callers may read it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "producer_profile")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The trainee behind the profile; never exposed through the profile.
    #[sea_orm(unique)]
    pub trainee_id: Uuid,
    pub base_id: Uuid,
    pub region_code: String,
    pub display_name: String,
    pub story: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
