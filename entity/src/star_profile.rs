//! Internet stars (网创红人) in cultivation: one profile per trainee, its current stage and
//! mentor. Every stage change is kept in `star_stage_change`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Stages of cultivation, in order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum StarStage {
    #[sea_orm(string_value = "PROSPECT")]
    Prospect,
    #[sea_orm(string_value = "INCUBATING")]
    Incubating,
    #[sea_orm(string_value = "RISING")]
    Rising,
    #[sea_orm(string_value = "STAR")]
    Star,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "star_profile")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// One profile per trainee.
    #[sea_orm(unique)]
    pub trainee_id: Uuid,
    pub stage: StarStage,
    /// An INSTRUCTOR or BASE_MANAGER of the trainee's base.
    pub mentor_id: Option<Uuid>,
    pub nominated_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
