//! Trainee queries. Out-of-scope trainees are null or absent, never an error.

use async_graphql::{Context, ID, Object};

use super::imports::{TraineeImport, TraineeImportConnection, TraineeImportFilter};
use super::inputs::{TraineeFilter, TraineeOrder};
use super::types::{
    IdentityRevealEntry, IdentityRevealEntryConnection, Trainee, TraineeConnection,
    columns_for_connection,
};
use crate::error::GqlResultExt;
use crate::graphql::common::pagination::{TotalCount, connection, page_args};
use crate::graphql::common::{ContextExt, ids};
use crate::service;

/// Trainee queries.
#[derive(Default)]
pub struct TraineeQuery;

#[Object]
impl TraineeQuery {
    /// One trainee, if you may see it; null otherwise (`BAD_USER_INPUT` for a malformed id).
    async fn trainee(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its id.")] id: ID,
    ) -> async_graphql::Result<Option<Trainee>> {
        ctx.actor()?;
        let id = ids::arg("id", &id).gql()?;
        // Through the caller's scoped loader, so many aliased `trainee(id:)` fields are one
        // statement. Asked for its base, the trainee is read joined to it and carries it:
        // one statement where there would be two in a row.
        let loaders = ctx.loaders();
        if ctx.look_ahead().field("base").exists() {
            let Some((trainee, base)) = loaders.trainees_with_base.load_one(id).await? else {
                return Ok(None);
            };
            return Ok(Some(Trainee::with_base(trainee, base)));
        }
        Ok(loaders.trainees.load_one(id).await?.map(Trainee::from))
    }

    /// The trainees you may see, in registration order unless `orderBy` says otherwise: an
    /// ADMIN those of bases in its region, a BASE_MANAGER those of its bases, a TRAINEE itself.
    #[allow(clippy::too_many_arguments)] // Relay's four paging arguments, a filter and an order.
    async fn trainees(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size counted back from `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue before.")] before: Option<String>,
        #[graphql(desc = "Conditions the trainees must meet.")] filter: Option<TraineeFilter>,
        #[graphql(desc = "Sort order (default: registration order). Cursors belong to one order.")]
        order_by: Option<TraineeOrder>,
    ) -> async_graphql::Result<TraineeConnection> {
        let actor = ctx.actor()?.clone();
        let args = page_args(first, after, last, before).gql()?;
        let filter = filter.unwrap_or_default().into_service().gql()?;
        let order = TraineeOrder::into_service(order_by);
        let columns = columns_for_connection(ctx.look_ahead());
        let page = service::trainee::list(ctx.db(), &actor, &filter, order, &args, columns)
            .await
            .gql()?;
        let db = ctx.db().clone();
        let total = TotalCount::new(move || {
            let (db, actor, filter) = (db.clone(), actor.clone(), filter.clone());
            Box::pin(async move { service::trainee::count(&db, &actor, &filter).await.gql() })
        });
        let sort = order.sort();
        Ok(connection(page, |t| sort.cursor(t), Trainee::from, total))
    }

    /// The audit log of reveals of full identity numbers, oldest first. ADMIN only: reveals
    /// of trainees at bases in its region.
    async fn identity_reveals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
        #[graphql(desc = "Only reveals of this trainee.")] trainee_id: Option<ID>,
    ) -> async_graphql::Result<IdentityRevealEntryConnection> {
        let actor = ctx.actor()?.clone();
        let args = page_args(first, after, None, None).gql()?;
        let trainee_id = ids::arg_opt("traineeId", trainee_id.as_ref()).gql()?;
        let page = service::trainee::reveals(ctx.db(), &actor, trainee_id, &args)
            .await
            .gql()?;
        let db = ctx.db().clone();
        let total = TotalCount::new(move || {
            let (db, actor) = (db.clone(), actor.clone());
            Box::pin(async move {
                service::trainee::count_reveals(&db, &actor, trainee_id)
                    .await
                    .gql()
            })
        });
        Ok(connection(page, |r| r.id, IdentityRevealEntry, total))
    }

    /// The record of every trainee import (dry runs and refused files included), oldest
    /// first; `last: n` gives the newest n. An ADMIN sees imports into bases in its region, a
    /// BASE_MANAGER those into its own bases; other roles are `FORBIDDEN`.
    async fn trainee_imports(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
        #[graphql(
            desc = "Page size counted back from `before` (or from the newest), at most 100."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue before.")] before: Option<String>,
        #[graphql(desc = "Conditions the imports must meet.")] filter: Option<TraineeImportFilter>,
    ) -> async_graphql::Result<TraineeImportConnection> {
        let actor = ctx.actor()?.clone();
        let args = page_args(first, after, last, before).gql()?;
        let base_id = filter.unwrap_or_default().base_id().gql()?;
        let page = service::trainee::import::imports(ctx.db(), &actor, base_id, &args)
            .await
            .gql()?;
        let db = ctx.db().clone();
        let total = TotalCount::new(move || {
            let (db, actor) = (db.clone(), actor.clone());
            Box::pin(async move {
                service::trainee::import::count_imports(&db, &actor, base_id)
                    .await
                    .gql()
            })
        });
        Ok(connection(page, |r| r.id, TraineeImport, total))
    }
}
