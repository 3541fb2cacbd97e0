//! The `Region` type.

use async_graphql::{Context, Enum, Object};
use entity::region;

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

/// The stored row, exposed through the `#[Object]` impl below.
pub struct Region(pub region::Model);

/// An administrative division of China with its GB/T 2260 code.
#[Object]
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
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        match &self.0.parent_code {
            None => Ok(None),
            Some(code) => Ok(ctx
                .loaders()
                .regions
                .load_one(code.clone())
                .await?
                .map(Region)),
        }
    }

    /// The regions directly under this one, by code.
    async fn children(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Region>> {
        let children = ctx
            .loaders()
            .region_children
            .load_one(self.0.code.clone())
            .await?
            .unwrap_or_default();
        Ok(children.into_iter().map(Region).collect())
    }
}
