//! Account queries.

use async_graphql::{Context, Object};

use super::types::User;
use crate::auth::Actor;
use crate::graphql::common::ContextExt;

/// Account queries.
#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in user; null for anonymous callers. A request with a bad, expired or
    /// revoked token fails as a whole (HTTP 401, `UNAUTHENTICATED`), so the app knows to
    /// refresh its token or sign in again.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        match ctx.actor()? {
            Actor::Anonymous => Ok(None),
            Actor::User(user) => Ok(ctx.loaders().users.load_one(user.user_id).await?.map(User)),
        }
    }
}
