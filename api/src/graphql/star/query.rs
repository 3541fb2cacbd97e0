//! Star queries. Out-of-scope stars are null or absent, never an error.

use super::inputs::StarFilter;
use super::types::{StarConnection, StarProfile, star_connection};
use crate::error::GqlResultExt;
use crate::graphql::common::pagination::{TotalCount, connection, page_args};
use crate::graphql::common::{ContextExt, ids};
use crate::service::star::profile;
use async_graphql::{Context, ID, Object};

/// Star queries.
#[derive(Default)]
pub struct StarQuery;

#[Object]
impl StarQuery {
    /// One star profile, if you may see it; null otherwise (`BAD_USER_INPUT` for a malformed
    /// id).
    async fn star(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its id.")] id: ID,
    ) -> async_graphql::Result<Option<StarProfile>> {
        let actor = ctx.actor()?;
        let id = ids::arg("id", &id).gql()?;
        Ok(profile::get(ctx.db(), actor, id)
            .await
            .gql()?
            .map(StarProfile))
    }

    /// The stars you may see, in nomination order: an ADMIN those of bases in its region, a
    /// BASE_MANAGER those of its bases, a TRAINEE its own.
    async fn stars(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
        #[graphql(desc = "Conditions the stars must meet.")] filter: Option<StarFilter>,
    ) -> async_graphql::Result<StarConnection> {
        let actor = ctx.actor()?.clone();
        let args = page_args(first, after, None, None).gql()?;
        let filter = filter.unwrap_or_default().into_service().gql()?;
        let page = profile::list(ctx.db(), &actor, &filter, &args)
            .await
            .gql()?;
        let db = ctx.db().clone();
        let total = TotalCount::new(move || {
            let (db, actor, filter) = (db.clone(), actor.clone(), filter.clone());
            Box::pin(async move { profile::count(&db, &actor, &filter).await.gql() })
        });
        Ok(star_connection(connection(
            page,
            |s| s.id,
            StarProfile,
            total,
        )))
    }
}
