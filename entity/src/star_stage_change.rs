//! The stage history of a star profile: the nomination and every change after it.

use sea_orm::entity::prelude::*;

use crate::StarStage;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "star_stage_change")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub star_id: Uuid,
    /// The stage before; None for the nomination.
    pub from_stage: Option<StarStage>,
    pub stage: StarStage,
    pub note: Option<String>,
    pub changed_at: DateTimeUtc,
    pub changed_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
