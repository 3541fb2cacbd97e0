//! Account mutations.

use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use super::inputs::{CreateUserInput, LoginInput, RefreshInput};
use super::types::{AuthPayload, UserPayload};
use crate::error::GqlResultExt;
use crate::graphql::common::errors::input_id;
use crate::graphql::common::{ContextExt, respond};
use crate::service::account::{AuthContext, NewUser};
use crate::service::{self, UserError, UserErrorCode};
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

/// Parses ids from the input; a malformed id is `NOT_FOUND` on its field, like an unknown one.
pub fn parse_ids(field: &str, ids: &[ID]) -> Result<Vec<Uuid>, Vec<UserError>> {
    let mut parsed = Vec::with_capacity(ids.len());
    let mut errors = Vec::new();
    for (index, id) in ids.iter().enumerate() {
        match Uuid::parse_str(id) {
            Ok(uuid) => parsed.push(uuid),
            Err(_) => errors.push(UserError {
                field: vec!["input".into(), field.into(), index.to_string()],
                code: UserErrorCode::NotFound,
                message: "对象不存在".into(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
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
        let base_ids = match parse_ids("baseIds", input.base_ids.as_deref().unwrap_or_default()) {
            Ok(ids) => ids,
            Err(errors) => return respond(Err(service::ServiceError::User(errors))),
        };
        let trainee_id = match input
            .trainee_id
            .as_deref()
            .map(|id| input_id("traineeId", id))
            .transpose()
        {
            Ok(id) => id,
            Err(err) => return respond(Err(err)),
        };
        let new_user = NewUser {
            login: input.login,
            password: input.password,
            display_name: input.display_name,
            role: input.role.into(),
            region_code: input.region_code,
            base_ids,
            partner_id: input.partner_id.and_then(|id| Uuid::parse_str(&id).ok()),
            trainee_id,
        };
        respond(service::account::create(ctx.db(), actor, new_user).await)
    }
}
