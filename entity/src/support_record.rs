//! Support granted to a trainee (equipment, subsidies, a venue); amounts in fen.

use sea_orm::entity::prelude::*;

use crate::SupportKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_record")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub trainee_id: Uuid,
    pub kind: SupportKind,
    pub description: Option<String>,
    /// In fen (分), so sums are exact.
    pub amount_fen: i64,
    pub granted_on: Date,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
