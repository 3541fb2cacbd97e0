//! What a base trains for: one row per training category.

use sea_orm::entity::prelude::*;

use crate::TrainingCategory;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "base_focus_area")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub base_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category: TrainingCategory,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
