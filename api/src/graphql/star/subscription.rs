//! Live updates of the star domain on `/graphql/ws`.

use async_graphql::{Context, ID, Subscription};
use futures_util::Stream;

use super::types::Livestream;
use crate::error::GqlResultExt;
use crate::events::Event;
use crate::graphql::common::{ContextExt, ids};
use crate::service::star;

/// Star subscriptions.
#[derive(Default)]
pub struct StarSubscription;

#[Subscription]
impl StarSubscription {
    /// Fired after a livestream is recorded for a star of the given base, or of any base
    /// whose stars you may see: an ADMIN's region, a BASE_MANAGER's bases, a TRAINEE's own
    /// profile. Streams of stars you may not see never arrive.
    async fn livestream_recorded(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only streams of stars of this base.")] base_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = Livestream> + use<>> {
        let actor = ctx.actor()?.clone();
        star::may_read(&actor).gql()?;
        let only_base = ids::arg_opt("baseId", base_id.as_ref()).gql()?;
        let db = ctx.db().clone();
        Ok(ctx.state().events.stream(move |event| {
            let (db, actor) = (db.clone(), actor.clone());
            async move {
                let Event::LivestreamRecorded {
                    livestream_id,
                    base_id,
                    region_code,
                } = event
                else {
                    return None;
                };
                if only_base.is_some_and(|only| only != base_id)
                    || !star::might_see(&actor, base_id, &region_code)
                {
                    return None;
                }
                // The final word is the same scoped read as a query's.
                match star::livestream::get(&db, &actor, livestream_id).await {
                    Ok(found) => found.map(Livestream),
                    Err(err) => {
                        tracing::error!(error = %err, "cannot read a recorded livestream");
                        None
                    }
                }
            }
        }))
    }
}
