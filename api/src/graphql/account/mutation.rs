//! Account mutations.

use async_graphql::{Context, ID, Object};

use super::inputs::{
    ChangePasswordInput, CreateUserInput, DeactivateUserInput, LoginInput, ReactivateUserInput,
    RefreshInput, ResetPasswordInput,
};
use super::types::{AuthPayload, UserPayload};
use crate::error::GqlResultExt;
use crate::graphql::common::context::ClientAddress;
use crate::graphql::common::{ContextExt, ids, respond};
use crate::service;
use crate::service::account::manage::{self, Activation};
use crate::service::account::{AuthContext, NewUser};

/// Account mutations.
#[derive(Default)]
pub struct AccountMutation;

fn auth_context<'a>(ctx: &'a Context<'_>) -> AuthContext<'a> {
    let state = ctx.state();
    AuthContext {
        keys: &state.keys,
        throttle: &state.throttle,
        accounts: &state.accounts,
        metrics: &state.metrics,
        refresh_ttl: state.config.refresh_token_ttl(),
        client: ctx.data_opt::<ClientAddress>().and_then(|c| c.0),
    }
}

/// Stops or restarts an account.
async fn set_active(
    ctx: &Context<'_>,
    user_id: &ID,
    change: Activation,
) -> async_graphql::Result<UserPayload> {
    let actor = ctx.actor()?;
    let user_id = match ids::input(|ids| ids.one("userId", user_id)) {
        Ok(id) => id,
        Err(err) => return respond(Err(err)),
    };
    let state = ctx.state();
    respond(manage::set_active(&state.db, &state.accounts, actor, user_id, change).await)
}

#[Object]
impl AccountMutation {
    /// Signs in. A wrong login, a wrong password and a deactivated account give the same
    /// `userErrors`. Too many attempts for one login within the lock-out window, or from
    /// one address per minute, are `RATE_LIMITED` with `extensions.retryAfter` (seconds);
    /// during a lock-out even the right password is refused.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: LoginInput,
    ) -> async_graphql::Result<AuthPayload> {
        respond(
            service::account::login(ctx.db(), &auth_context(ctx), &input.login, &input.password)
                .await,
        )
    }

    /// Exchanges a refresh token for a new access and refresh token. Each refresh token works
    /// once; presenting a used one signs out every session that came from the same login.
    /// A session ends a fixed time after its login (`QIHANG_REFRESH_TOKEN_TTL`), however
    /// often it is refreshed. An unknown, used, revoked or expired token, or one of a
    /// deactivated account, is `UNAUTHENTICATED`.
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: RefreshInput,
    ) -> async_graphql::Result<AuthPayload> {
        respond(service::account::refresh(ctx.db(), &auth_context(ctx), &input.refresh_token).await)
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

    /// Stops an account, e.g. of a person who left. It can no longer sign in, and every
    /// access and refresh token it holds is refused at once. ADMIN only, for users in its
    /// region (its region, one of its bases or its trainee's base); others are `NOT_FOUND`
    /// in `userErrors`. You cannot deactivate yourself (`INVALID_STATE`).
    async fn deactivate_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: DeactivateUserInput,
    ) -> async_graphql::Result<UserPayload> {
        set_active(ctx, &input.user_id, Activation::Deactivate).await
    }

    /// Lets a deactivated account sign in again (tokens from before stay invalid). ADMIN
    /// only, for users in its region; others are `NOT_FOUND` in `userErrors`.
    async fn reactivate_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: ReactivateUserInput,
    ) -> async_graphql::Result<UserPayload> {
        set_active(ctx, &input.user_id, Activation::Reactivate).await
    }

    /// Changes your own password. Your current session goes on; your other sessions end
    /// (their refresh tokens are revoked). A wrong current password is `INVALID` on
    /// `currentPassword` and counts towards the login lock-out (`RATE_LIMITED`).
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: ChangePasswordInput,
    ) -> async_graphql::Result<UserPayload> {
        let actor = ctx.actor()?;
        respond(
            manage::change_password(
                ctx.db(),
                &auth_context(ctx),
                actor,
                &input.current_password,
                input.new_password,
            )
            .await,
        )
    }

    /// Sets a new password for a user and ends all of its sessions at once; lifts a login
    /// lock-out. ADMIN only, for users in its region; others are `NOT_FOUND` in
    /// `userErrors`.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: ResetPasswordInput,
    ) -> async_graphql::Result<UserPayload> {
        let actor = ctx.actor()?;
        let user_id = match ids::input(|ids| ids.one("userId", &input.user_id)) {
            Ok(id) => id,
            Err(err) => return respond(Err(err)),
        };
        let state = ctx.state();
        respond(
            manage::reset_password(
                &state.db,
                &state.accounts,
                &state.throttle,
                actor,
                user_id,
                input.new_password,
            )
            .await,
        )
    }
}
