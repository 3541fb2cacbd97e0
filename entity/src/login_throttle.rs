//! Login attempts per login name within a window, shared by every server process. The
//! login name is stored only as a SHA-256 hash: people type passwords into the login field.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttle")]
pub struct Model {
    /// Hex SHA-256 of the normalised login name.
    #[sea_orm(primary_key, auto_increment = false)]
    pub login_hash: String,
    pub window_started_at: DateTimeUtc,
    /// Attempts reserved in the current window, successful ones included until they succeed.
    pub attempts: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
