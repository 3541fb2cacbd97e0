//! Catalog queries. Products out of the caller's sight are null or absent, never an error.

use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use super::types::{Partner, Product};
use crate::error::GqlResultExt;
use crate::graphql::common::ContextExt;
use crate::service::catalog;

/// Catalog queries.
#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// One product, if you may see it: PUBLISHED ones for everyone, others for those who
    /// manage them; null otherwise.
    async fn product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its id.")] id: ID,
    ) -> async_graphql::Result<Option<Product>> {
        let actor = ctx.actor()?;
        let Ok(id) = Uuid::parse_str(&id) else {
            return Ok(None);
        };
        Ok(catalog::query::get(ctx.db(), actor, id)
            .await
            .gql()?
            .map(Product))
    }

    /// The partners you manage, oldest first. ADMIN only: those recorded in your region or
    /// below.
    async fn partners(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Partner>> {
        let actor = ctx.actor()?;
        Ok(catalog::partner::list(ctx.db(), actor)
            .await
            .gql()?
            .into_iter()
            .map(Partner)
            .collect())
    }
}
