//! An employment or entrepreneurship outcome of a trainee; income in fen.

use sea_orm::entity::prelude::*;

use crate::OutcomeKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outcome")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub trainee_id: Uuid,
    pub kind: OutcomeKind,
    pub date: Date,
    /// In fen (分), so amounts are exact.
    pub monthly_income_fen: Option<i64>,
    pub employer: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
