//! Separate consents (PIPL art. 29) to process a trainee's sensitive personal data.

use sea_orm::entity::prelude::*;

use crate::ConsentSource;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub trainee_id: Uuid,
    pub purpose: String,
    pub text_version: String,
    pub source: ConsentSource,
    pub consented_at: DateTimeUtc,
    /// The account that recorded the consent.
    pub recorded_by: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
