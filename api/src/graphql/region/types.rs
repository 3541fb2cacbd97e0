//! The `Region` type.

use std::sync::Arc;

use async_graphql::{Context, Enum, ErrorExtensions, Object};
use entity::region;

use crate::error::AppError;
use crate::graphql::common::ContextExt;

/// Level of an administrative division.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::RegionLevel")]
pub enum RegionLevel {
    /// Province, autonomous region or municipality (省级).
    Province,
    /// City or prefecture (地级).
    City,
    /// County or district (县级).
    County,
}

/// A row of the in-memory region table, exposed through the `#[Object]` impl below.
pub struct Region(pub Arc<region::Model>);

impl Region {
    /// The region with `code`, if there is one (no SQL: regions are held in memory).
    pub fn find(ctx: &Context<'_>, code: &str) -> Option<Region> {
        ctx.state().regions.get(code).cloned().map(Region)
    }

    /// The region a stored row refers to; `NOT_FOUND` if the table lacks it.
    pub fn require(ctx: &Context<'_>, code: &str) -> async_graphql::Result<Region> {
        Self::find(ctx, code).ok_or_else(|| AppError::NotFound.extend())
    }
}

/// An administrative division of China with its GB/T 2260 code.
#[Object(serial)]
impl Region {
    /// Six-digit GB/T 2260 code, e.g. "220300".
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Official name, e.g. "四平市".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Province, city or county.
    async fn level(&self) -> RegionLevel {
        self.0.level.into()
    }

    /// The region this one lies in; null for a province.
    async fn parent(&self, ctx: &Context<'_>) -> Option<Region> {
        self.0
            .parent_code
            .as_deref()
            .and_then(|code| Region::find(ctx, code))
    }

    /// The regions directly under this one, by code.
    async fn children(&self, ctx: &Context<'_>) -> Vec<Region> {
        ctx.state()
            .regions
            .list(Some(&self.0.code))
            .iter()
            .cloned()
            .map(Region)
            .collect()
    }
}
