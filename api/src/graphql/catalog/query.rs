//! Catalog queries. Products out of the caller's sight are null or absent, never an error.

use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use super::inputs::{ProductFilter, ProductOrder};
use super::types::{
    Inquiry, InquiryConnection, InquiryStatus, Partner, Product, ProductConnection,
};
use crate::error::GqlResultExt;
use crate::graphql::common::ContextExt;
use crate::graphql::common::pagination::{TotalCount, connection, page_args};
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

    /// The catalog: PUBLISHED products for everyone, and for staff also the other products
    /// in their scope (an ADMIN those of bases in its region, a BASE_MANAGER those of its
    /// bases, a TRAINEE its own). Newest publications first unless `orderBy` says otherwise;
    /// keyset pages stay exact in every order (ties are broken by id). To keep a copy in
    /// sync, page with `filter: { updatedSince }` ordered by UPDATED_AT: archived products
    /// come too, with status ARCHIVED.
    #[allow(clippy::too_many_arguments)] // Relay's four paging arguments, a filter and an order.
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size counted back from `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue before.")] before: Option<String>,
        #[graphql(desc = "Conditions the products must meet.")] filter: Option<ProductFilter>,
        #[graphql(desc = "Sort order. Cursors belong to one order.")] order_by: Option<
            ProductOrder,
        >,
    ) -> async_graphql::Result<ProductConnection> {
        let actor = ctx.actor()?.clone();
        let args = page_args(first, after, last, before).gql()?;
        let filter = filter.unwrap_or_default().into_service().gql()?;
        let order = ProductOrder::into_service(order_by, &filter);
        // A search term decides which index pays off, so its plan is made with the term.
        let db = if filter.search.is_some() {
            ctx.search_db()
        } else {
            ctx.db()
        };
        let page = catalog::query::list(db, &actor, &filter, order, &args)
            .await
            .gql()?;
        let db = db.clone();
        let total = TotalCount::new(move || {
            let (db, actor, filter) = (db.clone(), actor.clone(), filter.clone());
            Box::pin(async move { catalog::query::count(&db, &actor, &filter).await.gql() })
        });
        let keyset = order.keyset();
        Ok(connection(page, |p| keyset.cursor(p), Product, total))
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

    /// Sourcing inquiries, oldest first: a PARTNER its own, a BASE_MANAGER those on its
    /// bases' products, a TRAINEE those on its products, an ADMIN those in its region.
    async fn inquiries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
        #[graphql(desc = "Only inquiries in one of these states.")] status: Option<
            Vec<InquiryStatus>,
        >,
    ) -> async_graphql::Result<InquiryConnection> {
        let actor = ctx.actor()?.clone();
        let args = page_args(first, after, None, None).gql()?;
        let statuses: Vec<entity::InquiryStatus> = status
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let page = catalog::inquiry::list(ctx.db(), &actor, &statuses, &args)
            .await
            .gql()?;
        let db = ctx.db().clone();
        let total = TotalCount::new(move || {
            let (db, actor, statuses) = (db.clone(), actor.clone(), statuses.clone());
            Box::pin(async move { catalog::inquiry::count(&db, &actor, &statuses).await.gql() })
        });
        Ok(connection(page, |i| i.id, Inquiry, total))
    }
}
