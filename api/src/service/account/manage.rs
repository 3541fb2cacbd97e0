//! Stopping and restarting accounts and changing passwords.
//!
//! An ADMIN manages the users in its region: those whose own region, one of whose bases, or
//! whose trainee's base lies in it; any other user looks absent (`NOT_FOUND`). Deactivating
//! an account or resetting its password raises its token generation (every access token
//! issued so far stops working at once, see `auth::account_state`) and revokes all its
//! refresh tokens; a user changing its own password keeps its current session and ends the
//! others.

use entity::{Role, base, trainee, user, user_base};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    UpdateMany,
};
use uuid::Uuid;

use super::{AuthContext, revoke_sessions};
use crate::auth::account_state::{AccountStates, announce};
use crate::auth::throttle::LoginThrottle;
use crate::auth::{Actor, RegionScope, password};
use crate::error::AppError;
use crate::service::write::write;
use crate::service::{ServiceResult, UserError, UserErrorCode, now};

/// What changes when an ADMIN stops or restarts an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    Deactivate,
    Reactivate,
}

/// Deactivates or reactivates a user in the ADMIN's region. Deactivation revokes every
/// session at once; reactivation lets the user sign in again (old tokens stay dead).
/// Repeating either is harmless.
pub async fn set_active(
    db: &DatabaseConnection,
    accounts: &AccountStates,
    actor: &Actor,
    user_id: Uuid,
    change: Activation,
) -> ServiceResult<user::Model> {
    let (caller, scope) = admin(actor)?;
    let active = change == Activation::Reactivate;
    let updated = write(db)
        .run(async |txn| {
            let target = in_scope(txn, &scope, user_id).await?;
            if target.active == active {
                return Ok(target);
            }
            if target.id == caller {
                return Err(UserError::input(
                    "userId",
                    UserErrorCode::InvalidState,
                    "不能停用自己的账号",
                )
                .into());
            }
            let mut update =
                changing(target.id).col_expr(user::Column::Active, Expr::value(active));
            if !active {
                update = ending_access_tokens(update);
                revoke_sessions(txn, target.id, None).await?;
            }
            update.exec(txn).await?;
            announce(txn, target.id).await?;
            reload(txn, target.id).await
        })
        .await?;
    accounts.forget(updated.id).await;
    Ok(updated)
}

/// Sets a new password for a user in the ADMIN's region and ends all its sessions. A
/// lock-out of its login is lifted, so the user can sign in with the new password.
pub async fn reset_password(
    db: &DatabaseConnection,
    accounts: &AccountStates,
    throttle: &LoginThrottle,
    actor: &Actor,
    user_id: Uuid,
    new_password: String,
) -> ServiceResult<user::Model> {
    let (_, scope) = admin(actor)?;
    if !password::acceptable(&new_password) {
        return Err(
            UserError::input("newPassword", UserErrorCode::Invalid, password::RULES).into(),
        );
    }
    let password_hash = password::hash(new_password).await?;
    let updated = write(db)
        .run(async |txn| {
            let target = in_scope(txn, &scope, user_id).await?;
            ending_access_tokens(
                changing(target.id)
                    .col_expr(user::Column::PasswordHash, Expr::value(password_hash)),
            )
            .exec(txn)
            .await?;
            revoke_sessions(txn, target.id, None).await?;
            throttle.clear(txn, &target.login).await?;
            announce(txn, target.id).await?;
            reload(txn, target.id).await
        })
        .await?;
    accounts.forget(updated.id).await;
    Ok(updated)
}

/// Changes the caller's own password after checking the current one, and ends its other
/// sessions (their refresh tokens are revoked; their access tokens run out within the
/// access-token lifetime). Wrong current passwords count towards the login lock-out, so a
/// stolen access token cannot be used to guess the password.
pub async fn change_password(
    db: &DatabaseConnection,
    auth: &AuthContext<'_>,
    actor: &Actor,
    current_password: &str,
    new_password: String,
) -> ServiceResult<user::Model> {
    let caller = actor.user()?;
    if !password::acceptable(&new_password) {
        return Err(
            UserError::input("newPassword", UserErrorCode::Invalid, password::RULES).into(),
        );
    }
    if new_password == current_password {
        return Err(UserError::input(
            "newPassword",
            UserErrorCode::Invalid,
            "新密码不能与当前密码相同",
        )
        .into());
    }
    let user = user::Entity::find_by_id(caller.user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    auth.throttle.reserve(db, &user.login).await?;
    if !auth
        .verify(Some(user.password_hash.clone()), current_password)
        .await?
    {
        return Err(
            UserError::input("currentPassword", UserErrorCode::Invalid, "当前密码不正确").into(),
        );
    }
    auth.throttle.clear(db, &user.login).await?;
    let password_hash = password::hash(new_password).await?;
    write(db)
        .run(async |txn| {
            changing(user.id)
                .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
                .exec(txn)
                .await?;
            // A token from before tokens named their session (no `sid`) keeps none alive.
            revoke_sessions(txn, user.id, caller.session_id).await?;
            reload(txn, user.id).await
        })
        .await
}

/// An update of user `user_id` that records itself (`updated_at`, `version`); the caller adds
/// what changes.
fn changing(user_id: Uuid) -> UpdateMany<user::Entity> {
    user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::value(now()))
        .col_expr(
            user::Column::Version,
            Expr::col(user::Column::Version).add(1),
        )
        .filter(user::Column::Id.eq(user_id))
}

/// `update` raising the user's token generation: every access token issued so far stops
/// working (see `auth::account_state`).
fn ending_access_tokens(update: UpdateMany<user::Entity>) -> UpdateMany<user::Entity> {
    update.col_expr(
        user::Column::TokenGeneration,
        Expr::col(user::Column::TokenGeneration).add(1),
    )
}

/// The calling ADMIN's id and region; `FORBIDDEN` for other roles.
fn admin(actor: &Actor) -> Result<(Uuid, RegionScope), AppError> {
    let caller = actor.require_role(Role::Admin)?;
    Ok((
        caller.user_id,
        RegionScope::of(caller.region_code.as_deref()),
    ))
}

/// The user `id` if `scope` covers it, else `NOT_FOUND` on `userId`: out of scope looks
/// absent.
async fn in_scope(
    db: &impl ConnectionTrait,
    scope: &RegionScope,
    id: Uuid,
) -> ServiceResult<user::Model> {
    user::Entity::find_by_id(id)
        .filter(covered_by(scope))
        .one(db)
        .await?
        .ok_or_else(|| UserError::input("userId", UserErrorCode::NotFound, "用户不存在").into())
}

/// The users a region scope covers, as a condition on `user`: the user's region, one of its
/// bases' regions or its trainee's base's region lies in the scope.
fn covered_by(scope: &RegionScope) -> Condition {
    let Some((low, high)) = scope.code_range() else {
        return Condition::all();
    };
    let works_at = Query::select()
        .expr(Expr::val(1))
        .from(user_base::Entity)
        .inner_join(
            base::Entity,
            Expr::col((base::Entity, base::Column::Id))
                .equals((user_base::Entity, user_base::Column::BaseId)),
        )
        .and_where(
            Expr::col((user_base::Entity, user_base::Column::UserId))
                .equals((user::Entity, user::Column::Id)),
        )
        .and_where(
            Expr::col((base::Entity, base::Column::RegionCode)).between(low.clone(), high.clone()),
        )
        .to_owned();
    let trained_at = Query::select()
        .expr(Expr::val(1))
        .from(trainee::Entity)
        .inner_join(
            base::Entity,
            Expr::col((base::Entity, base::Column::Id))
                .equals((trainee::Entity, trainee::Column::BaseId)),
        )
        .and_where(
            Expr::col((trainee::Entity, trainee::Column::Id))
                .equals((user::Entity, user::Column::TraineeId)),
        )
        .and_where(
            Expr::col((base::Entity, base::Column::RegionCode)).between(low.clone(), high.clone()),
        )
        .to_owned();
    Condition::any()
        .add(user::Column::RegionCode.between(low, high))
        .add(Expr::exists(works_at))
        .add(Expr::exists(trained_at))
}

async fn reload(db: &impl ConnectionTrait, id: Uuid) -> ServiceResult<user::Model> {
    user::Entity::find_by_id(id).one(db).await?.ok_or_else(|| {
        AppError::internal(anyhow::anyhow!("user {id} vanished in its own transaction")).into()
    })
}
