//! Trainee queries. Out-of-scope trainees are null or absent, never an error.

use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use super::inputs::TraineeFilter;
use super::types::{
    IdentityRevealEntry, IdentityRevealEntryConnection, Trainee, TraineeConnection,
};
use crate::error::GqlResultExt;
use crate::graphql::common::ContextExt;
use crate::graphql::common::pagination::{TotalCount, connection, cost, page_args};
use crate::service;

/// Trainee queries.
#[derive(Default)]
pub struct TraineeQuery;

#[Object]
impl TraineeQuery {
    /// One trainee, if you may see it; null otherwise.
    async fn trainee(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its id.")] id: ID,
    ) -> async_graphql::Result<Option<Trainee>> {
        ctx.actor()?;
        let Ok(id) = Uuid::parse_str(&id) else {
            return Ok(None);
        };
        // Through the caller's scoped loader, so many aliased `trainee(id:)` fields are one
        // statement.
        Ok(ctx.loaders().trainees.load_one(id).await?.map(Trainee))
    }

    /// The trainees you may see, in registration order: an ADMIN those of bases in its
    /// region, a BASE_MANAGER those of its bases, a TRAINEE itself.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn trainees(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size counted back from `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue before.")] before: Option<String>,
        #[graphql(desc = "Conditions the trainees must meet.")] filter: Option<TraineeFilter>,
    ) -> async_graphql::Result<TraineeConnection> {
        let actor = ctx.actor()?.clone();
        let args = page_args(first, after, last, before).gql()?;
        let filter = filter.unwrap_or_default().into_service();
        let page = service::trainee::list(ctx.db(), &actor, &filter, args)
            .await
            .gql()?;
        let db = ctx.db().clone();
        let total = TotalCount::new(move || {
            let (db, actor, filter) = (db.clone(), actor.clone(), filter.clone());
            Box::pin(async move { service::trainee::count(&db, &actor, &filter).await.gql() })
        });
        Ok(connection(page, |t| t.id, Trainee, total))
    }

    /// The audit log of reveals of full identity numbers, oldest first. ADMIN only: reveals
    /// of trainees at bases in its region.
    #[graphql(complexity = "cost(first, None, child_complexity)")]
    async fn identity_reveals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
        #[graphql(desc = "Only reveals of this trainee.")] trainee_id: Option<ID>,
    ) -> async_graphql::Result<IdentityRevealEntryConnection> {
        let actor = ctx.actor()?.clone();
        let args = page_args(first, after, None, None).gql()?;
        let trainee_id = trainee_id.map(|id| Uuid::parse_str(&id).unwrap_or(Uuid::nil()));
        let page = service::trainee::reveals(ctx.db(), &actor, trainee_id, args)
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
}
