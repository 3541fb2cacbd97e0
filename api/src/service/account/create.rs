//! Creating accounts: an ADMIN within its region, or the first nationwide ADMIN.

use entity::{Role, base, region, trainee, user, user_base};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

use super::normalize_login;
use crate::auth::{Actor, RegionScope, password};
use crate::error::AppError;
use crate::service::scope::Scope;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};

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
    let scope = Scope::of(actor).admin()?;
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
    if !password::acceptable(&input.password) {
        problems.add("password", UserErrorCode::Invalid, password::RULES);
    }
    let display_name = validate::text(&mut problems, "displayName", &input.display_name, 1, 50);
    let region_code = input
        .region_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());

    // Hashing is slow: done before the transaction, and only for an input worth saving.
    let password_hash = if problems.is_empty() {
        Some(password::hash(input.password.clone()).await?)
    } else {
        None
    };

    write(db)
        .duplicate(user::Column::Login, "login", "登录名已被使用")
        .duplicate(user::Column::TraineeId, "traineeId", "该学员已有账号")
        .duplicate(user_base::Column::BaseId, "baseIds", "基地重复")
        .run(async |txn| {
            check_links(txn, scope, &input, region_code, &mut problems).await?;
            problems.into_result()?;
            let (Some(display_name), Some(password_hash)) = (display_name, password_hash) else {
                return Err(
                    AppError::internal(anyhow::anyhow!("validated user input incomplete")).into(),
                );
            };
            let now = now();
            let id = Uuid::now_v7();
            let created = user::ActiveModel {
                id: Set(id),
                login: Set(login),
                password_hash: Set(password_hash),
                display_name: Set(display_name),
                role: Set(input.role),
                region_code: Set(region_code.map(str::to_owned)),
                partner_id: Set(if input.role == Role::Partner {
                    input.partner_id
                } else {
                    None
                }),
                trainee_id: Set(if input.role == Role::Trainee {
                    input.trainee_id
                } else {
                    None
                }),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                active: Set(true),
                token_generation: Set(0),
            }
            .insert(txn)
            .await?;
            if matches!(input.role, Role::BaseManager | Role::Instructor) {
                user_base::Entity::insert_many(input.base_ids.iter().map(|base_id| {
                    user_base::ActiveModel {
                        user_id: Set(id),
                        base_id: Set(*base_id),
                    }
                }))
                .exec(txn)
                .await?;
            }
            Ok(created)
        })
        .await
}

/// Checks what a new account refers to: its region, bases or trainee must exist and lie in
/// the caller's region (`FORBIDDEN` when they exist elsewhere).
async fn check_links(
    txn: &impl ConnectionTrait,
    scope: &RegionScope,
    input: &NewUser,
    region_code: Option<&str>,
    problems: &mut Problems,
) -> ServiceResult<()> {
    if let Some(code) = region_code {
        if region::Entity::find_by_id(code.to_owned())
            .one(txn)
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
                .all(txn)
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
                let at_base = match trainee::Entity::find_by_id(trainee_id).one(txn).await? {
                    Some(t) => base::Entity::find_by_id(t.base_id).one(txn).await?,
                    None => None,
                };
                // A trainee outside the caller's region looks absent.
                if !at_base.is_some_and(|b| scope.contains(&b.region_code)) {
                    problems.add("traineeId", UserErrorCode::NotFound, "学员不存在");
                } else if user::Entity::find()
                    .filter(user::Column::TraineeId.eq(trainee_id))
                    .one(txn)
                    .await?
                    .is_some()
                {
                    problems.add("traineeId", UserErrorCode::Duplicate, "该学员已有账号");
                }
            }
        },
        Role::Partner => {
            if let Some(problem) =
                crate::service::catalog::partner::check_for_account(txn, scope, input.partner_id)
                    .await?
            {
                problems.push(problem);
            }
        }
        Role::Admin => {}
    }
    Ok(())
}
