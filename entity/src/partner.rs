//! E-commerce partners (platforms, retailers, logistics firms) that source from the catalog.

use sea_orm::entity::prelude::*;

use crate::PartnerKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub kind: PartnerKind,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// The region of the ADMIN who recorded the partner (None = nationwide): ADMINs manage
    /// the partners of their region and below.
    pub region_code: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
