//! Reading the server state and the caller from a resolver's context.

use std::sync::Arc;

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use super::Loaders;
use crate::auth::Actor;
use crate::state::AppState;

/// The caller of one request. Requests with refused credentials never get this far: they
/// fail as a whole with HTTP 401.
#[derive(Debug, Clone)]
pub struct RequestActor(pub Actor);

/// The request id that the response carries in `x-request-id` and every log line shows.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The network address of the client, for per-address limits; None when unknown.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<std::net::IpAddr>);

/// Shortcuts for resolvers.
pub trait ContextExt {
    /// The server's shared state.
    fn state(&self) -> &AppState;
    /// The database.
    fn db(&self) -> &DatabaseConnection;
    /// The database, for a searched list ([`AppState::search_db`]).
    fn search_db(&self) -> &DatabaseConnection;
    /// The caller (anonymous when none was set). Credentials are checked before execution
    /// (`http::authenticate`), so this no longer fails; its `Result` keeps the many
    /// `ctx.actor()?` call sites as they are.
    fn actor(&self) -> async_graphql::Result<&Actor>;
    /// The request's DataLoaders (shared, so deferred work such as `totalCount` can use them).
    fn loaders(&self) -> &Arc<Loaders>;
}

impl ContextExt for Context<'_> {
    fn state(&self) -> &AppState {
        self.data_unchecked::<AppState>()
    }

    fn db(&self) -> &DatabaseConnection {
        &self.state().db
    }

    fn search_db(&self) -> &DatabaseConnection {
        &self.state().search_db
    }

    fn actor(&self) -> async_graphql::Result<&Actor> {
        Ok(self
            .data_opt::<RequestActor>()
            .map_or(&Actor::Anonymous, |caller| &caller.0))
    }

    fn loaders(&self) -> &Arc<Loaders> {
        self.data_unchecked::<Arc<Loaders>>()
    }
}
