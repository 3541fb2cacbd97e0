//! A star's accounts on livestream and content platforms, with the latest follower count
//! (every count ever entered is in `follower_snapshot`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Platforms stars work on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Platform {
    #[sea_orm(string_value = "DOUYIN")]
    Douyin,
    #[sea_orm(string_value = "KUAISHOU")]
    Kuaishou,
    #[sea_orm(string_value = "WECHAT_CHANNELS")]
    WechatChannels,
    #[sea_orm(string_value = "TAOBAO_LIVE")]
    TaobaoLive,
    #[sea_orm(string_value = "XIAOHONGSHU")]
    Xiaohongshu,
    #[sea_orm(string_value = "BILIBILI")]
    Bilibili,
    #[sea_orm(string_value = "XIMALAYA")]
    Ximalaya,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "platform_account")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub star_id: Uuid,
    /// Unique together with `handle`.
    pub platform: Platform,
    pub handle: String,
    /// The count of the newest snapshot.
    pub followers: i64,
    /// When `followers` was counted.
    pub followers_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
