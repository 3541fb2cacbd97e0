//! The region report query.

use async_graphql::{Context, Object};

use super::types::RegionReport;
use crate::error::GqlResultExt;
use crate::graphql::common::ContextExt;
use crate::service;

/// Report queries.
#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// A region's yearly report, for an ADMIN of that region or of one above it (anyone else
    /// is `FORBIDDEN`; an unknown region is `NOT_FOUND`).
    async fn region_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "GB/T 2260 code of the region, e.g. \"220300\".")] region_code: String,
        #[graphql(desc = "The calendar year (China time).")] year: i32,
    ) -> async_graphql::Result<RegionReport> {
        let report = service::report::region_report(ctx.db(), ctx.actor()?, &region_code, year)
            .await
            .gql()?;
        Ok(RegionReport(report))
    }
}
