//! Live updates of the catalog on `/graphql/ws`.

use async_graphql::{Context, Subscription};
use entity::Role;
use futures_util::Stream;

use super::types::Inquiry;
use crate::error::GqlResultExt;
use crate::events::Event;
use crate::graphql::common::ContextExt;
use crate::service::catalog::inquiry;

/// Catalog subscriptions.
#[derive(Default)]
pub struct CatalogSubscription;

#[Subscription]
impl CatalogSubscription {
    /// Fired when an inquiry you may read is created or answered: a PARTNER's own
    /// inquiries, those on the products of a BASE_MANAGER's bases or of a producing TRAINEE,
    /// those in an ADMIN's region. Each event shows the inquiry as it stands when delivered,
    /// so a creation answered at once may arrive already ACCEPTED or DECLINED.
    async fn inquiry_updated(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = Inquiry> + use<>> {
        let actor = ctx.actor()?.clone();
        let user = actor.user().gql()?.clone();
        let db = ctx.db().clone();
        Ok(ctx.state().events.stream(move |event| {
            let (db, actor, user) = (db.clone(), actor.clone(), user.clone());
            async move {
                let Event::InquiryUpdated {
                    inquiry_id,
                    partner_id,
                    base_id,
                } = event
                else {
                    return None;
                };
                // Skip what certainly is not the caller's without reading it.
                let might = match user.role {
                    Role::Partner => user.partner_id == Some(partner_id),
                    Role::BaseManager => user.base_ids.contains(&base_id),
                    Role::Admin | Role::Trainee => true,
                    Role::Instructor => false,
                };
                if !might {
                    return None;
                }
                match inquiry::get(&db, &actor, inquiry_id).await {
                    Ok(found) => found.map(Inquiry),
                    Err(err) => {
                        tracing::error!(error = %err, "cannot read an updated inquiry");
                        None
                    }
                }
            }
        }))
    }
}
