//! Enumerations of the catalog domain (products, partners, inquiries), stored as short
//! strings like the others in `enums.rs`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What kind of product a producer offers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum ProductCategory {
    #[sea_orm(string_value = "AGRICULTURAL")]
    Agricultural,
    #[sea_orm(string_value = "FOOD")]
    Food,
    #[sea_orm(string_value = "HANDICRAFT")]
    Handicraft,
    #[sea_orm(string_value = "INTANGIBLE_HERITAGE")]
    IntangibleHeritage,
    #[sea_orm(string_value = "TEXTILE")]
    Textile,
    #[sea_orm(string_value = "DIGITAL_WORK")]
    DigitalWork,
    #[sea_orm(string_value = "SERVICE")]
    Service,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Life of a product: drafted, published to partners, archived.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProductStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    #[sea_orm(string_value = "ARCHIVED")]
    Archived,
}

/// What kind of organisation a partner is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum PartnerKind {
    #[sea_orm(string_value = "ECOMMERCE_PLATFORM")]
    EcommercePlatform,
    #[sea_orm(string_value = "RETAILER")]
    Retailer,
    #[sea_orm(string_value = "LOGISTICS")]
    Logistics,
    #[sea_orm(string_value = "BRAND")]
    Brand,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Where a sourcing inquiry stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum InquiryStatus {
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    #[sea_orm(string_value = "DECLINED")]
    Declined,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}
