//! Accounts: sign-in, token rotation, sign-out and creating users within one's region.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{Role, base, refresh_token, region, trainee, user, user_base};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, SqlErr,
};
use uuid::Uuid;

use super::{Problems, ServiceResult, UserError, UserErrorCode, begin_write, now, validate};
use crate::auth::throttle::LoginThrottle;
use crate::auth::token::TokenKeys;
use crate::auth::{Actor, RegionScope, UserActor, password, refresh};
use crate::error::AppError;

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
    pub refresh_ttl: std::time::Duration,
}

/// Login names are case-insensitive.
fn normalize_login(login: &str) -> String {
    login.trim().to_lowercase()
}

const BAD_CREDENTIALS: &str = "登录名或密码不正确";

/// Signs in with login and password. A wrong password and an unknown login give the same
/// answer in the same time; repeated failures for one login are `RATE_LIMITED`.
pub async fn login(
    db: &DatabaseConnection,
    auth: &AuthContext<'_>,
    login: &str,
    password_text: &str,
) -> ServiceResult<Session> {
    let login = normalize_login(login);
    if let Some(retry_after_secs) = auth.throttle.locked_for(&login) {
        return Err(AppError::RateLimited { retry_after_secs }.into());
    }
    let found = user::Entity::find()
        .filter(user::Column::Login.eq(login.as_str()))
        .one(db)
        .await?;
    let stored_hash = found.as_ref().map(|u| u.password_hash.clone());
    if !password::verify(stored_hash, password_text.to_owned()).await? {
        auth.throttle.record_failure(&login);
        return Err(UserError::general(UserErrorCode::Invalid, BAD_CREDENTIALS).into());
    }
    let Some(user) = found else {
        return Err(UserError::general(UserErrorCode::Invalid, BAD_CREDENTIALS).into());
    };
    auth.throttle.record_success(&login);
    let txn = begin_write(db).await?;
    let session = open_session(&txn, auth, user, Uuid::now_v7()).await?;
    txn.commit().await?;
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
    let txn = begin_write(db).await?;
    let Some(stored) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(refresh::hash(token)))
        .one(&txn)
        .await?
    else {
        return Err(AppError::Unauthenticated.into());
    };
    let now = now();
    if stored.used_at.is_some() || stored.revoked_at.is_some() {
        revoke_family(&txn, stored.family_id).await?;
        // The revocation must stick although the request fails.
        txn.commit().await?;
        tracing::warn!(user_id = %stored.user_id, family = %stored.family_id, "refresh token reused; family revoked");
        return Err(AppError::Unauthenticated.into());
    }
    if stored.expires_at <= now {
        return Err(AppError::Unauthenticated.into());
    }
    // Conditional update: of two concurrent uses only one can succeed.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(stored.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::Unauthenticated.into());
    }
    let Some(user) = user::Entity::find_by_id(stored.user_id).one(&txn).await? else {
        return Err(AppError::Unauthenticated.into());
    };
    let session = open_session(&txn, auth, user, stored.family_id).await?;
    txn.commit().await?;
    Ok(session)
}

/// Ends the session a refresh token belongs to. Returns whether there was one to end.
pub async fn logout(db: &DatabaseConnection, token: &str) -> ServiceResult<bool> {
    if !refresh::looks_valid(token) {
        return Ok(false);
    }
    let txn = begin_write(db).await?;
    let found = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(refresh::hash(token)))
        .one(&txn)
        .await?;
    let ended = match found {
        Some(stored) => revoke_family(&txn, stored.family_id).await? > 0,
        None => false,
    };
    txn.commit().await?;
    Ok(ended)
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

async fn open_session(
    db: &impl ConnectionTrait,
    auth: &AuthContext<'_>,
    user: user::Model,
    family_id: Uuid,
) -> ServiceResult<Session> {
    let actor = actor_of(db, &user).await?;
    let (access_token, access_token_expires_at) = auth.keys.issue(&actor)?;
    let token = refresh::generate();
    let now = now();
    let ttl = chrono::Duration::from_std(auth.refresh_ttl).map_err(AppError::internal)?;
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        family_id: Set(family_id),
        token_hash: Set(refresh::hash(&token)),
        expires_at: Set(now + ttl),
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

/// What `createUser` asks for.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub region_code: Option<String>,
    pub base_ids: Vec<Uuid>,
    pub partner_id: Option<Uuid>,
    pub trainee_id: Option<Uuid>,
}

/// Creates an account. Only an ADMIN may, and only inside its region: the new account's
/// region and bases must lie in the caller's region (`FORBIDDEN` otherwise).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewUser,
) -> ServiceResult<user::Model> {
    actor.require_role(Role::Admin)?;
    let scope = actor.admin_scope().ok_or(AppError::Forbidden)?;
    create_in_scope(db, &scope, input).await
}

/// Creates the first nationwide ADMIN (start-up bootstrap and `qihang admin create`).
pub async fn create_admin(
    db: &DatabaseConnection,
    login: &str,
    password: &str,
    region_code: Option<String>,
) -> ServiceResult<user::Model> {
    let input = NewUser {
        login: login.to_owned(),
        password: password.to_owned(),
        display_name: login.to_owned(),
        role: Role::Admin,
        region_code,
        base_ids: Vec::new(),
        partner_id: None,
        trainee_id: None,
    };
    create_in_scope(db, &RegionScope::Nationwide, input).await
}

/// Whether any account exists (the bootstrap admin is made only on an empty system).
pub async fn any_exists(db: &impl ConnectionTrait) -> Result<bool, sea_orm::DbErr> {
    Ok(user::Entity::find().one(db).await?.is_some())
}

async fn create_in_scope(
    db: &DatabaseConnection,
    scope: &RegionScope,
    input: NewUser,
) -> ServiceResult<user::Model> {
    let mut problems = Problems::default();
    let login = normalize_login(&input.login);
    if !(3..=64).contains(&login.len())
        || !login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        problems.add(
            "login",
            UserErrorCode::Invalid,
            "登录名须为 3 到 64 个字母、数字或 . _ - @",
        );
    }
    let password_len = input.password.chars().count();
    if !(12..=128).contains(&password_len) {
        problems.add(
            "password",
            UserErrorCode::Invalid,
            "密码长度须在 12 到 128 个字符之间",
        );
    }
    let display_name = validate::text(&mut problems, "displayName", &input.display_name, 1, 50);
    let region_code = input
        .region_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());

    let txn = begin_write(db).await?;
    if let Some(code) = region_code {
        if region::Entity::find_by_id(code.to_owned())
            .one(&txn)
            .await?
            .is_none()
        {
            problems.add("regionCode", UserErrorCode::NotFound, "地区不存在");
        } else if !scope.contains(code) {
            return Err(AppError::Forbidden.into());
        }
    } else if input.role == Role::Admin && *scope != RegionScope::Nationwide {
        // A regional admin cannot create a nationwide one.
        return Err(AppError::Forbidden.into());
    }

    match input.role {
        Role::BaseManager | Role::Instructor => {
            if input.base_ids.is_empty() {
                problems.add("baseIds", UserErrorCode::Required, "须指定所在基地");
            }
            let bases = base::Entity::find()
                .filter(base::Column::Id.is_in(input.base_ids.iter().copied()))
                .all(&txn)
                .await?;
            for (index, id) in input.base_ids.iter().enumerate() {
                match bases.iter().find(|b| b.id == *id) {
                    None => problems.push(UserError {
                        field: vec!["input".into(), "baseIds".into(), index.to_string()],
                        code: UserErrorCode::NotFound,
                        message: "基地不存在".into(),
                    }),
                    Some(base) if !scope.contains(&base.region_code) => {
                        return Err(AppError::Forbidden.into());
                    }
                    Some(_) => {}
                }
            }
        }
        Role::Trainee => match input.trainee_id {
            None => problems.add("traineeId", UserErrorCode::Required, "须指定学员"),
            Some(trainee_id) => {
                let at_base = match trainee::Entity::find_by_id(trainee_id).one(&txn).await? {
                    Some(t) => base::Entity::find_by_id(t.base_id).one(&txn).await?,
                    None => None,
                };
                // A trainee outside the caller's region looks absent.
                if !at_base.is_some_and(|b| scope.contains(&b.region_code)) {
                    problems.add("traineeId", UserErrorCode::NotFound, "学员不存在");
                } else if user::Entity::find()
                    .filter(user::Column::TraineeId.eq(trainee_id))
                    .one(&txn)
                    .await?
                    .is_some()
                {
                    problems.add("traineeId", UserErrorCode::Duplicate, "该学员已有账号");
                }
            }
        },
        Role::Partner => {
            problems.add("partnerId", UserErrorCode::NotFound, "合作伙伴不存在");
        }
        Role::Admin => {}
    }
    problems.into_result()?;
    let Some(display_name) = display_name else {
        return Err(
            AppError::internal(anyhow::anyhow!("display name validated but missing")).into(),
        );
    };

    let now = now();
    let id = Uuid::now_v7();
    let password_hash = password::hash(input.password).await?;
    let model = user::ActiveModel {
        id: Set(id),
        login: Set(login),
        password_hash: Set(password_hash),
        display_name: Set(display_name),
        role: Set(input.role),
        region_code: Set(region_code.map(str::to_owned)),
        partner_id: Set(None),
        trainee_id: Set(if input.role == Role::Trainee {
            input.trainee_id
        } else {
            None
        }),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    };
    let created = match model.insert(&txn).await {
        Ok(created) => created,
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(
                UserError::input("login", UserErrorCode::Duplicate, "登录名已被使用").into(),
            );
        }
        Err(err) => return Err(err.into()),
    };
    if matches!(input.role, Role::BaseManager | Role::Instructor) {
        user_base::Entity::insert_many(input.base_ids.iter().map(|base_id| {
            user_base::ActiveModel {
                user_id: Set(id),
                base_id: Set(*base_id),
            }
        }))
        .exec(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(created)
}
