//! Accounts of people who sign in: federation staff, base managers, instructors, trainees and
//! partner staff.

use sea_orm::entity::prelude::*;

use crate::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Lower-cased, unique.
    #[sea_orm(unique)]
    pub login: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    pub display_name: String,
    pub role: Role,
    /// ADMIN: the region governed (None = nationwide).
    pub region_code: Option<String>,
    pub partner_id: Option<Uuid>,
    pub trainee_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    /// False once deactivated: the account cannot sign in and its tokens are refused.
    pub active: bool,
    /// Access tokens carry the generation they were issued in; raising it (deactivation,
    /// password reset) makes every earlier access token invalid at once.
    pub token_generation: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
