//! Region queries (public).

use async_graphql::{Context, Object};

use super::types::Region;
use crate::error::GqlResultExt;
use crate::graphql::common::ContextExt;
use crate::service;

/// Region queries.
#[derive(Default)]
pub struct RegionQuery;

#[Object]
impl RegionQuery {
    /// One region by its six-digit code; null when there is none.
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "GB/T 2260 code, e.g. \"220300\".")] code: String,
    ) -> async_graphql::Result<Option<Region>> {
        Ok(ctx.loaders().regions.load_one(code).await?.map(Region))
    }

    /// The provinces (no `parentCode`) or the regions directly under `parentCode`, by code.
    async fn regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Code of the parent region; omit for the provinces.")] parent_code: Option<
            String,
        >,
    ) -> async_graphql::Result<Vec<Region>> {
        let regions = service::region::list(ctx.db(), parent_code.as_deref())
            .await
            .gql()?;
        Ok(regions.into_iter().map(Region).collect())
    }
}
