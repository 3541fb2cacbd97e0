//! Base queries: the public directory.

use async_graphql::{Context, ID, Object};

use super::inputs::BaseFilter;
use super::types::{IncubationBase, IncubationBaseConnection};
use crate::error::GqlResultExt;
use crate::graphql::common::pagination::{TotalCount, connection, page_args};
use crate::graphql::common::{ContextExt, ids};
use crate::service;

/// Base queries.
#[derive(Default)]
pub struct BaseQuery;

fn service_filter(filter: Option<BaseFilter>) -> service::base::BaseFilter {
    let filter = filter.unwrap_or_default();
    service::base::BaseFilter {
        region_code: filter.region_code,
        status: filter
            .status
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        search: filter.search,
        focus_areas: filter
            .focus_areas
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
    }
}

#[Object]
impl BaseQuery {
    /// One base by id; null when there is none, `BAD_USER_INPUT` for a malformed id.
    async fn base(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its id.")] id: ID,
    ) -> async_graphql::Result<Option<IncubationBase>> {
        let id = ids::arg("id", &id).gql()?;
        // Through the loader, so many aliased `base(id:)` fields are one statement.
        Ok(ctx.loaders().bases.load_one(id).await?.map(IncubationBase))
    }

    /// The base directory, oldest first. Public.
    async fn bases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size counted back from `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue before.")] before: Option<String>,
        #[graphql(desc = "Conditions the bases must meet.")] filter: Option<BaseFilter>,
    ) -> async_graphql::Result<IncubationBaseConnection> {
        let args = page_args(first, after, last, before).gql()?;
        let filter = service_filter(filter);
        let page = service::base::list(ctx.db(), &filter, &args).await.gql()?;
        let db = ctx.db().clone();
        let total = TotalCount::new(move || {
            let db = db.clone();
            let filter = filter.clone();
            Box::pin(async move { service::base::count(&db, &filter).await.gql() })
        });
        Ok(connection(page, |b| b.id, IncubationBase, total))
    }
}
