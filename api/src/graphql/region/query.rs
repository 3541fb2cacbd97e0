//! Region queries (public), answered from the in-memory region table.

use async_graphql::{Context, Object};

use super::types::Region;
use crate::graphql::common::ContextExt;

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
    ) -> Option<Region> {
        Region::find(ctx, &code)
    }

    /// The provinces (no `parentCode`) or the regions directly under `parentCode`, by code.
    async fn regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Code of the parent region; omit for the provinces.")] parent_code: Option<
            String,
        >,
    ) -> Vec<Region> {
        ctx.state()
            .regions
            .list(parent_code.as_deref())
            .iter()
            .cloned()
            .map(Region)
            .collect()
    }
}
