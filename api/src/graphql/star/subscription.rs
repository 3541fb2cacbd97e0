//! Live updates of the star domain on `/graphql/ws`.

use async_graphql::{Context, ID, Subscription};
use futures_util::Stream;
use futures_util::stream;
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::types::Livestream;
use crate::auth::Actor;
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
        let listening = Listening {
            db: ctx.db().clone(),
            actor,
            only_base,
            events: ctx.state().events.subscribe(),
        };
        Ok(stream::unfold(listening, |mut listening| async move {
            let livestream = listening.next().await?;
            Some((Livestream(livestream), listening))
        }))
    }
}

/// One subscriber's view of the event bus.
struct Listening {
    db: DatabaseConnection,
    actor: Actor,
    only_base: Option<Uuid>,
    events: tokio::sync::broadcast::Receiver<Event>,
}

impl Listening {
    /// The next recorded livestream this subscriber may see; None when the bus closes.
    async fn next(&mut self) -> Option<entity::livestream::Model> {
        loop {
            let event = match self.events.recv().await {
                Ok(event) => event,
                Err(RecvError::Lagged(skipped)) => {
                    tracing::warn!(skipped, "a subscriber fell behind and skipped events");
                    continue;
                }
                Err(RecvError::Closed) => return None,
            };
            let Event::LivestreamRecorded {
                livestream_id,
                base_id,
                region_code,
            } = event
            else {
                continue;
            };
            if self.only_base.is_some_and(|only| only != base_id)
                || !star::might_see(&self.actor, base_id, &region_code)
            {
                continue;
            }
            // The final word is the same scoped read as a query's.
            match star::livestream::get(&self.db, &self.actor, livestream_id).await {
                Ok(Some(livestream)) => return Some(livestream),
                Ok(None) => continue,
                Err(err) => {
                    tracing::error!(error = %err, "cannot read a recorded livestream");
                    continue;
                }
            }
        }
    }
}
