//! Types of the account domain.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::user;

use crate::graphql::base::types::IncubationBase;
use crate::graphql::catalog::types::Partner;
use crate::graphql::common::errors::object_payload;
use crate::graphql::common::scalars::DateTime;
use crate::graphql::common::{ContextExt, Payload, UserError};
use crate::graphql::region::types::Region;
use crate::graphql::trainee::types::Trainee;
use crate::service::account::Session;

/// What an account may do (see "Who may do what" in the API guide).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Role")]
pub enum Role {
    /// Federation staff of a region: governs that region and everything under it.
    Admin,
    /// Runs one or more incubation bases.
    BaseManager,
    /// Teaches courses at one or more bases.
    Instructor,
    /// A disabled person trained at a base, using the mobile app.
    Trainee,
    /// Staff of an e-commerce partner.
    Partner,
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct User(pub user::Model);

/// A person who signs in.
#[Object]
impl User {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Sign-in name (lower case).
    async fn login(&self) -> &str {
        &self.0.login
    }

    /// Name shown to others.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// What the account may do.
    async fn role(&self) -> Role {
        self.0.role.into()
    }

    /// ADMIN: the region the account governs (null = nationwide).
    async fn region(&self, ctx: &Context<'_>) -> Option<Region> {
        self.0
            .region_code
            .as_deref()
            .and_then(|code| Region::find(ctx, code))
    }

    /// BASE_MANAGER / INSTRUCTOR: the bases the account works at.
    async fn bases(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<IncubationBase>> {
        let bases = ctx
            .loaders()
            .user_bases
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(bases.into_iter().map(IncubationBase).collect())
    }

    /// PARTNER: the partner organisation the account works for.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Partner>> {
        match self.0.partner_id {
            None => Ok(None),
            Some(id) => Ok(ctx.loaders().partners.load_one(id).await?.map(Partner)),
        }
    }

    /// TRAINEE: the trainee record of this person (null when you may not see it).
    async fn trainee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Trainee>> {
        match self.0.trainee_id {
            None => Ok(None),
            Some(id) => Ok(ctx
                .loaders()
                .trainees
                .load_one(id)
                .await?
                .map(Trainee::from)),
        }
    }

    /// False once an ADMIN deactivated the account: it cannot sign in and its tokens are
    /// refused.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}

/// Result of `login` and `refreshToken`.
#[derive(SimpleObject, Default)]
pub struct AuthPayload {
    /// Send as `Authorization: Bearer <accessToken>`. Valid for about 15 minutes.
    pub access_token: Option<String>,
    /// Exchange for a new pair with `refreshToken` before or after the access token expires.
    /// Works once; keep it secret.
    pub refresh_token: Option<String>,
    /// When the access token stops working.
    pub access_token_expires_at: Option<DateTime>,
    /// The signed-in user.
    pub user: Option<User>,
    /// Why signing in failed, e.g. wrong login or password.
    pub user_errors: Vec<UserError>,
}

impl Payload for AuthPayload {
    type Value = Session;

    fn ok(session: Session) -> Self {
        AuthPayload {
            access_token: Some(session.access_token),
            refresh_token: Some(session.refresh_token),
            access_token_expires_at: Some(session.access_token_expires_at.into()),
            user: Some(User(session.user)),
            user_errors: Vec::new(),
        }
    }

    fn refused(user_errors: Vec<UserError>) -> Self {
        AuthPayload {
            user_errors,
            ..AuthPayload::default()
        }
    }
}

/// Result of `createUser`, `deactivateUser`, `reactivateUser`, `changePassword` and
/// `resetPassword`.
#[derive(SimpleObject)]
pub struct UserPayload {
    /// The created or changed user.
    pub user: Option<User>,
    /// Problems with the input; nothing was changed.
    pub user_errors: Vec<UserError>,
}

object_payload!(UserPayload, user: user::Model => User);
