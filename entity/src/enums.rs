//! Enumerations stored as short strings, so the database stays readable and portable.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Level of an administrative division in GB/T 2260.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RegionLevel {
    #[sea_orm(string_value = "PROVINCE")]
    Province,
    #[sea_orm(string_value = "CITY")]
    City,
    #[sea_orm(string_value = "COUNTY")]
    County,
}

/// What an account may do; see the permission table in API.md.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "BASE_MANAGER")]
    BaseManager,
    #[sea_orm(string_value = "INSTRUCTOR")]
    Instructor,
    #[sea_orm(string_value = "TRAINEE")]
    Trainee,
    #[sea_orm(string_value = "PARTNER")]
    Partner,
}

/// Life cycle of an incubation base.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum BaseStatus {
    #[sea_orm(string_value = "PLANNED")]
    Planned,
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "SUSPENDED")]
    Suspended,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

/// Kinds of online work a base trains for and a course teaches.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum TrainingCategory {
    #[sea_orm(string_value = "LIVESTREAM_COMMERCE")]
    LivestreamCommerce,
    #[sea_orm(string_value = "SHORT_VIDEO")]
    ShortVideo,
    #[sea_orm(string_value = "ONLINE_STORE")]
    OnlineStore,
    #[sea_orm(string_value = "VOICE_WORK")]
    VoiceWork,
    #[sea_orm(string_value = "CUSTOMER_SERVICE")]
    CustomerService,
    #[sea_orm(string_value = "DATA_LABELING")]
    DataLabeling,
    #[sea_orm(string_value = "HANDICRAFT")]
    Handicraft,
    #[sea_orm(string_value = "SUPPLY_CHAIN")]
    SupplyChain,
    #[sea_orm(string_value = "DIGITAL_LITERACY")]
    DigitalLiteracy,
    #[sea_orm(string_value = "ENTREPRENEURSHIP")]
    Entrepreneurship,
}
