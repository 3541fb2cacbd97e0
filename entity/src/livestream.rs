//! Livestream sessions of a star: duration, audience, orders and sales (in fen).

use sea_orm::entity::prelude::*;

use crate::Platform;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "livestream")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub star_id: Uuid,
    pub platform: Platform,
    pub started_at: DateTimeUtc,
    pub duration_minutes: i32,
    /// Most viewers at one time.
    pub peak_viewers: i32,
    /// Cumulative views (观看人次).
    pub views: i32,
    pub orders: i32,
    /// Sales in fen (0.01 yuan).
    pub sales_fen: i64,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
