//! Account mutations.

use async_graphql::{Context, Object};

use super::inputs::{CreateUserInput, LoginInput, RefreshInput};
use super::types::{AuthPayload, UserPayload};
use crate::error::GqlResultExt;
use crate::graphql::common::{ContextExt, ids, respond};
use crate::service;
use crate::service::account::{AuthContext, NewUser};
use crate::state::AppState;

/// Account mutations.
#[derive(Default)]
pub struct AccountMutation;

fn auth_context(state: &AppState) -> AuthContext<'_> {
    AuthContext {
        keys: &state.keys,
        throttle: &state.throttle,
        refresh_ttl: state.config.refresh_token_ttl(),
    }
}

#[Object]
impl AccountMutation {
    /// Signs in. Wrong login and wrong password give the same `userErrors`; after repeated
    /// failures the login is `RATE_LIMITED` for a while.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: LoginInput,
    ) -> async_graphql::Result<AuthPayload> {
        let state = ctx.state();
        respond(
            service::account::login(
                &state.db,
                &auth_context(state),
                &input.login,
                &input.password,
            )
            .await,
        )
    }

    /// Exchanges a refresh token for a new access and refresh token. Each refresh token works
    /// once; presenting a used one signs out every session that came from the same login.
    /// An unknown, used, revoked or expired token is `UNAUTHENTICATED`.
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: RefreshInput,
    ) -> async_graphql::Result<AuthPayload> {
        let state = ctx.state();
        respond(
            service::account::refresh(&state.db, &auth_context(state), &input.refresh_token).await,
        )
    }

    /// Signs out the session of a refresh token. True when a session was ended.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: RefreshInput,
    ) -> async_graphql::Result<bool> {
        service::account::logout(ctx.db(), &input.refresh_token)
            .await
            .gql()
    }

    /// Creates an account. ADMIN only, within its region: `FORBIDDEN` for a region or base
    /// outside it.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: CreateUserInput,
    ) -> async_graphql::Result<UserPayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let new_user = ids::input(|ids| NewUser {
                    base_ids: ids.list("baseIds", input.base_ids.as_deref().unwrap_or_default()),
                    partner_id: ids.optional("partnerId", input.partner_id.as_ref()),
                    trainee_id: ids.optional("traineeId", input.trainee_id.as_ref()),
                    login: input.login,
                    password: input.password,
                    display_name: input.display_name,
                    role: input.role.into(),
                    region_code: input.region_code,
                })?;
                service::account::create(ctx.db(), actor, new_user).await
            }
            .await,
        )
    }
}
