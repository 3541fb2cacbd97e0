//! Accounts: sign-in, token rotation, sign-out, reading users, and creating users within
//! one's region ([`create`]). Stopping accounts and changing passwords are in [`manage`].

mod create;
pub mod manage;

pub use create::{NewUser, create, create_admin};

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{base, refresh_token, user, user_base};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

use super::write::write;
use super::{ServiceResult, UserError, UserErrorCode, now};
use crate::auth::account_state::AccountStates;
use crate::auth::throttle::LoginThrottle;
use crate::auth::token::TokenKeys;
use crate::auth::{UserActor, password, refresh};
use crate::error::AppError;
use crate::telemetry::Metrics;

/// What a successful login or refresh hands to the client.
#[derive(Debug)]
pub struct Session {
    pub access_token: String,
    pub access_token_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub user: user::Model,
}

/// What the token services need from the server.
pub struct AuthContext<'a> {
    pub keys: &'a TokenKeys,
    pub throttle: &'a LoginThrottle,
    pub accounts: &'a AccountStates,
    pub metrics: &'a Metrics,
    /// The longest a login session lasts.
    pub refresh_ttl: std::time::Duration,
    /// The caller's network address, when known.
    pub client: Option<std::net::IpAddr>,
}

impl AuthContext<'_> {
    /// Checks a password, counting the check.
    async fn verify(&self, stored_hash: Option<String>, text: &str) -> ServiceResult<bool> {
        self.metrics.record_password_check();
        Ok(password::verify(stored_hash, text.to_owned()).await?)
    }
}

/// Login names are case-insensitive.
fn normalize_login(login: &str) -> String {
    login.trim().to_lowercase()
}

const BAD_CREDENTIALS: &str = "登录名或密码不正确";

/// Signs in with login and password. A wrong password, an unknown login and a deactivated
/// account give the same answer in the same time, so anonymous callers learn nothing about
/// which logins exist. Too many attempts from one address, or for one login within the
/// window, are `RATE_LIMITED`: the attempt is counted before the password is checked.
pub async fn login(
    db: &DatabaseConnection,
    auth: &AuthContext<'_>,
    login: &str,
    password_text: &str,
) -> ServiceResult<Session> {
    auth.throttle.check_address(auth.client)?;
    let login = normalize_login(login);
    auth.throttle.reserve(db, &login).await?;
    let found = user::Entity::find()
        .filter(user::Column::Login.eq(login.as_str()))
        .one(db)
        .await?;
    let stored_hash = found.as_ref().map(|u| u.password_hash.clone());
    let verified = auth.verify(stored_hash, password_text).await?;
    let Some(user) = found.filter(|u| verified && u.active) else {
        return Err(UserError::general(UserErrorCode::Invalid, BAD_CREDENTIALS).into());
    };
    auth.throttle.clear(db, &login).await?;
    let ttl = chrono::Duration::from_std(auth.refresh_ttl).map_err(AppError::internal)?;
    let session = write(db)
        .run(async |txn| open_session(txn, auth, user, Uuid::now_v7(), now() + ttl).await)
        .await?;
    auth.accounts.remember(&session.user).await;
    Ok(session)
}

/// Exchanges a refresh token for a new pair. Each token works once: presenting a used or
/// revoked one revokes every token of its family (the thief's and the owner's alike).
pub async fn refresh(
    db: &DatabaseConnection,
    auth: &AuthContext<'_>,
    token: &str,
) -> ServiceResult<Session> {
    if !refresh::looks_valid(token) {
        return Err(AppError::Unauthenticated.into());
    }
    // A reused token's family is revoked and the revocation committed, although the request
    // fails: the work returns the reused token as its (successful) outcome.
    let outcome = write(db)
        .run(async |txn| {
            let Some(stored) = refresh_token::Entity::find()
                .filter(refresh_token::Column::TokenHash.eq(refresh::hash(token)))
                .one(txn)
                .await?
            else {
                return Err(AppError::Unauthenticated.into());
            };
            let now = now();
            if stored.used_at.is_some() || stored.revoked_at.is_some() {
                revoke_family(txn, stored.family_id).await?;
                return Ok(Err(stored));
            }
            if stored.expires_at <= now {
                return Err(AppError::Unauthenticated.into());
            }
            // Conditional update: of two concurrent uses only one can succeed.
            let claimed = refresh_token::Entity::update_many()
                .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
                .filter(refresh_token::Column::Id.eq(stored.id))
                .filter(refresh_token::Column::UsedAt.is_null())
                .exec(txn)
                .await?;
            if claimed.rows_affected != 1 {
                return Err(AppError::Unauthenticated.into());
            }
            let Some(user) = user::Entity::find_by_id(stored.user_id)
                .one(txn)
                .await?
                .filter(|u| u.active)
            else {
                return Err(AppError::Unauthenticated.into());
            };
            // The new token keeps the family's expiry: a session ends a fixed time after its
            // login, however often it is refreshed.
            Ok(Ok(open_session(
                txn,
                auth,
                user,
                stored.family_id,
                stored.expires_at,
            )
            .await?))
        })
        .await?;
    let session = outcome.map_err(|reused| {
        tracing::warn!(user_id = %reused.user_id, family = %reused.family_id, "refresh token reused; family revoked");
        AppError::Unauthenticated
    })?;
    auth.accounts.remember(&session.user).await;
    Ok(session)
}

/// Ends the session a refresh token belongs to. Returns whether there was one to end.
pub async fn logout(db: &DatabaseConnection, token: &str) -> ServiceResult<bool> {
    if !refresh::looks_valid(token) {
        return Ok(false);
    }
    write(db)
        .run(async |txn| {
            let found = refresh_token::Entity::find()
                .filter(refresh_token::Column::TokenHash.eq(refresh::hash(token)))
                .one(txn)
                .await?;
            Ok(match found {
                Some(stored) => revoke_family(txn, stored.family_id).await? > 0,
                None => false,
            })
        })
        .await
}

async fn revoke_family(db: &impl ConnectionTrait, family_id: Uuid) -> Result<u64, sea_orm::DbErr> {
    let result = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now()))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Revokes every refresh token of `user_id` except those of the session `keep`.
async fn revoke_sessions(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    keep: Option<Uuid>,
) -> Result<u64, sea_orm::DbErr> {
    let mut update = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now()))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null());
    if let Some(family_id) = keep {
        update = update.filter(refresh_token::Column::FamilyId.ne(family_id));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// Deletes expired refresh tokens (used and revoked ones are kept until then, to detect
/// reuse) and stale login counters. Returns how many rows went.
pub async fn purge_expired(
    db: &DatabaseConnection,
    throttle: &LoginThrottle,
) -> Result<u64, AppError> {
    let tokens = refresh_token::Entity::delete_many()
        .filter(refresh_token::Column::ExpiresAt.lte(now()))
        .exec(db)
        .await?;
    Ok(tokens.rows_affected + throttle.purge(db).await?)
}

async fn open_session(
    db: &impl ConnectionTrait,
    auth: &AuthContext<'_>,
    user: user::Model,
    family_id: Uuid,
    expires_at: DateTime<Utc>,
) -> ServiceResult<Session> {
    let mut actor = actor_of(db, &user).await?;
    actor.session_id = Some(family_id);
    let (access_token, access_token_expires_at) = auth.keys.issue(&actor, user.token_generation)?;
    let token = refresh::generate();
    let now = now();
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        family_id: Set(family_id),
        token_hash: Set(refresh::hash(&token)),
        expires_at: Set(expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(Session {
        access_token,
        access_token_expires_at,
        refresh_token: token,
        user,
    })
}

/// The caller a user becomes when signed in: role, region and current bases.
async fn actor_of(db: &impl ConnectionTrait, user: &user::Model) -> ServiceResult<UserActor> {
    let base_ids = user_base::Entity::find()
        .filter(user_base::Column::UserId.eq(user.id))
        .all(db)
        .await?
        .into_iter()
        .map(|ub| ub.base_id)
        .collect();
    Ok(UserActor {
        user_id: user.id,
        role: user.role,
        region_code: user.region_code.clone(),
        base_ids,
        trainee_id: user.trainee_id,
        partner_id: user.partner_id,
        session_id: None,
    })
}

/// Users by id, for the user loader and `me`.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, user::Model>, sea_orm::DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

/// The bases each user works at, for the user-bases loader.
pub async fn bases_of(
    db: &impl ConnectionTrait,
    user_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<base::Model>>, sea_orm::DbErr> {
    let rows = user_base::Entity::find()
        .filter(user_base::Column::UserId.is_in(user_ids.iter().copied()))
        .find_also_related(base::Entity)
        .all(db)
        .await?;
    let mut by_user: HashMap<Uuid, Vec<base::Model>> = HashMap::new();
    for (link, base) in rows {
        if let Some(base) = base {
            by_user.entry(link.user_id).or_default().push(base);
        }
    }
    Ok(by_user)
}

/// Whether any account exists (the bootstrap admin is made only on an empty system).
pub async fn any_exists(db: &impl ConnectionTrait) -> Result<bool, sea_orm::DbErr> {
    Ok(user::Entity::find().one(db).await?.is_some())
}
