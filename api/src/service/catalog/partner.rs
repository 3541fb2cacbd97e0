//! Partners and their API keys. ADMINs manage them within their region: a partner belongs
//! to the region of the ADMIN who recorded it (none = nationwide), and is managed by the
//! ADMINs of that region and of the regions above it.

use std::collections::HashMap;

use entity::{PartnerKind, Role, api_key, partner};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, Select,
};
use uuid::Uuid;

use crate::auth::{Actor, RegionScope};
use crate::error::AppError;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};

/// What `createPartner` asks for.
#[derive(Debug, Clone)]
pub struct NewPartner {
    pub name: String,
    pub kind: PartnerKind,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

/// A created key with its secret, which is shown only this once.
#[derive(Debug, Clone)]
pub struct CreatedKey {
    pub key: api_key::Model,
    pub secret: String,
}

/// The partners an ADMIN with `scope` manages.
fn managed(scope: &RegionScope) -> Select<partner::Entity> {
    let select = partner::Entity::find();
    match scope.code_range() {
        None => select,
        Some((low, high)) => select.filter(partner::Column::RegionCode.between(low, high)),
    }
}

fn admin_scope(actor: &Actor) -> Result<RegionScope, AppError> {
    actor.require_role(Role::Admin)?;
    actor.admin_scope().ok_or(AppError::Forbidden)
}

/// Records a partner in the caller's region. ADMIN only.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewPartner,
) -> ServiceResult<partner::Model> {
    admin_scope(actor)?;
    let region_code = actor.user()?.region_code.clone();
    let mut problems = Problems::default();
    let name = validate::text(&mut problems, "name", &input.name, 1, 100);
    let contact_name = validate::optional_text(
        &mut problems,
        "contactName",
        input.contact_name.as_deref(),
        50,
    );
    let contact_phone = match input.contact_phone.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(phone) => validate::contact_phone(&mut problems, "contactPhone", phone).map(Some),
    };
    problems.into_result()?;
    let (Some(name), Some(contact_name), Some(contact_phone)) = (name, contact_name, contact_phone)
    else {
        return Err(AppError::internal(anyhow::anyhow!("validated partner incomplete")).into());
    };
    write(db)
        .run(async |txn| {
            let now = now();
            let created = partner::ActiveModel {
                id: Set(Uuid::now_v7()),
                name: Set(name),
                kind: Set(input.kind),
                contact_name: Set(contact_name),
                contact_phone: Set(contact_phone),
                region_code: Set(region_code),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(txn)
            .await?;
            Ok(created)
        })
        .await
}

/// The partners the calling ADMIN manages, oldest first. ADMIN only.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> ServiceResult<Vec<partner::Model>> {
    let scope = admin_scope(actor)?;
    Ok(managed(&scope)
        .order_by_asc(partner::Column::Id)
        .all(db)
        .await?)
}

/// Partners by id, for the partner loader. A partner's name, kind and business contact are
/// shown to whoever may see something that names the partner (an inquiry, an account).
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, partner::Model>, sea_orm::DbErr> {
    Ok(partner::Entity::find()
        .filter(partner::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Whether the caller may see a partner's API keys: the ADMINs who manage the partner and
/// the partner's own accounts and keys.
pub fn may_see_keys(actor: &Actor, model: &partner::Model) -> bool {
    let Actor::User(user) = actor else {
        return false;
    };
    match user.role {
        Role::Admin => match (
            &model.region_code,
            RegionScope::of(user.region_code.as_deref()),
        ) {
            (_, RegionScope::Nationwide) => true,
            (Some(code), scope) => scope.contains(code),
            (None, _) => false,
        },
        Role::Partner => user.partner_id == Some(model.id),
        _ => false,
    }
}

/// The API keys of each partner, oldest first, for the keys loader.
pub async fn keys_of(
    db: &impl ConnectionTrait,
    partner_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<api_key::Model>>, sea_orm::DbErr> {
    let keys = api_key::Entity::find()
        .filter(api_key::Column::PartnerId.is_in(partner_ids.iter().copied()))
        .order_by_asc(api_key::Column::Id)
        .all(db)
        .await?;
    let mut by_partner: HashMap<Uuid, Vec<api_key::Model>> = HashMap::new();
    for key in keys {
        by_partner.entry(key.partner_id).or_default().push(key);
    }
    Ok(by_partner)
}

/// Creates an API key for a partner the calling ADMIN manages. The secret is returned once;
/// only its hash is stored.
pub async fn create_key(
    db: &DatabaseConnection,
    actor: &Actor,
    partner_id: Uuid,
    name: &str,
) -> ServiceResult<CreatedKey> {
    let scope = admin_scope(actor)?;
    let user = actor.user()?;
    let mut problems = Problems::default();
    let name = validate::text(&mut problems, "name", name, 1, 100);
    write(db)
        .run(async |txn| {
            if managed(&scope)
                .filter(partner::Column::Id.eq(partner_id))
                .one(txn)
                .await?
                .is_none()
            {
                problems.add("partnerId", UserErrorCode::NotFound, "合作伙伴不存在");
            }
            problems.into_result()?;
            let Some(name) = name else {
                return Err(
                    AppError::internal(anyhow::anyhow!("validated key name missing")).into(),
                );
            };
            let generated = crate::auth::api_key::generate();
            let key = api_key::ActiveModel {
                id: Set(Uuid::now_v7()),
                partner_id: Set(partner_id),
                name: Set(name),
                prefix: Set(generated.prefix),
                secret_hash: Set(generated.hash),
                created_by: Set(user.user_id),
                created_at: Set(now()),
                last_used_at: Set(None),
                revoked_at: Set(None),
            }
            .insert(txn)
            .await?;
            Ok(CreatedKey {
                key,
                secret: generated.secret,
            })
        })
        .await
}

/// Revokes a key of a partner the calling ADMIN manages; it stops working at once. True
/// when this call revoked it, false when it was already revoked. A key out of scope is
/// `NOT_FOUND`.
pub async fn revoke_key(
    db: &DatabaseConnection,
    actor: &Actor,
    key_id: Uuid,
) -> ServiceResult<bool> {
    let scope = admin_scope(actor)?;
    write(db)
        .run(async |txn| {
            let Some(key) = api_key::Entity::find_by_id(key_id).one(txn).await? else {
                return Err(AppError::NotFound.into());
            };
            if managed(&scope)
                .filter(partner::Column::Id.eq(key.partner_id))
                .one(txn)
                .await?
                .is_none()
            {
                return Err(AppError::NotFound.into());
            }
            let revoked = api_key::Entity::update_many()
                .col_expr(api_key::Column::RevokedAt, Expr::value(now()))
                .filter(api_key::Column::Id.eq(key_id))
                .filter(api_key::Column::RevokedAt.is_null())
                .exec(txn)
                .await?;
            Ok(revoked.rows_affected == 1)
        })
        .await
}

/// Checks that a partner exists in the creating ADMIN's region, for `createUser` with role
/// PARTNER. A partner out of scope looks absent.
pub async fn check_for_account(
    db: &impl ConnectionTrait,
    scope: &RegionScope,
    partner_id: Option<Uuid>,
) -> Result<Option<UserError>, sea_orm::DbErr> {
    let Some(id) = partner_id else {
        return Ok(Some(UserError::input(
            "partnerId",
            UserErrorCode::Required,
            "须指定合作伙伴",
        )));
    };
    let found = managed(scope)
        .filter(partner::Column::Id.eq(id))
        .one(db)
        .await?;
    Ok(found
        .is_none()
        .then(|| UserError::input("partnerId", UserErrorCode::NotFound, "合作伙伴不存在")))
}
