//! Online entrepreneurship incubation bases (残疾人网络创业孵化基地).

use sea_orm::entity::prelude::*;

use crate::BaseStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "base")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub region_code: String,
    pub address: Option<String>,
    pub operator: Option<String>,
    pub status: BaseStatus,
    pub established_on: Option<Date>,
    pub capacity: Option<i32>,
    pub contact_phone: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
