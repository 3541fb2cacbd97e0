//! Incubation bases: a public directory; created and edited by ADMINs within their region.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{BaseStatus, Role, TrainingCategory, base, region, user, user_base};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Select,
};
use uuid::Uuid;

use super::categories;
use super::page::{self, Page, PageArgs};
use super::{Problems, ServiceResult, UserError, UserErrorCode, begin_write, now, validate};
use crate::auth::{Actor, RegionScope};
use crate::error::AppError;

/// Filters of the base directory.
#[derive(Debug, Clone, Default)]
pub struct BaseFilter {
    /// Bases in this region or under it.
    pub region_code: Option<String>,
    pub status: Vec<BaseStatus>,
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
}

/// The training categories a base focuses on.
pub fn focus_areas(model: &base::Model) -> Vec<TrainingCategory> {
    categories::decode(&model.focus_areas)
}

/// Adds the region condition for `scope` on `column`.
pub fn in_scope<E: EntityTrait>(
    select: Select<E>,
    column: impl ColumnTrait,
    scope: &RegionScope,
) -> Select<E> {
    match scope.code_range() {
        None => select,
        Some((low, high)) => select.filter(column.between(low, high)),
    }
}

fn filtered(filter: &BaseFilter) -> Select<base::Entity> {
    let mut select = base::Entity::find();
    if let Some(code) = filter.region_code.as_deref() {
        select = in_scope(
            select,
            base::Column::RegionCode,
            &RegionScope::of(Some(code)),
        );
    }
    if !filter.status.is_empty() {
        select = select.filter(base::Column::Status.is_in(filter.status.iter().copied()));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        select = select.filter(
            Condition::all().add(
                Expr::expr(Func::lower(Expr::col(base::Column::Name)))
                    .like(LikeExpr::new(validate::like_pattern(search)).escape('\\')),
            ),
        );
    }
    select
}

/// One page of the base directory (public).
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &BaseFilter,
    args: PageArgs,
) -> ServiceResult<Page<base::Model>> {
    Ok(page::fetch(db, filtered(filter), base::Column::Id, args).await?)
}

/// How many bases match the filter.
pub async fn count(db: &impl ConnectionTrait, filter: &BaseFilter) -> ServiceResult<u64> {
    Ok(page::count(db, filtered(filter)).await?)
}

/// Bases by id, for the base loader (which also serves `base(id)`).
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, base::Model>, sea_orm::DbErr> {
    Ok(base::Entity::find()
        .filter(base::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect())
}

/// Whether the caller may see who runs a base: ADMINs over its region and its own staff.
pub fn may_see_staff(actor: &Actor, model: &base::Model) -> bool {
    match actor {
        Actor::User(user) => match user.role {
            Role::Admin => {
                RegionScope::of(user.region_code.as_deref()).contains(&model.region_code)
            }
            Role::BaseManager | Role::Instructor => user.base_ids.contains(&model.id),
            Role::Trainee | Role::Partner => false,
        },
        Actor::Anonymous => false,
    }
}

/// The managers of each base, for the managers loader.
pub async fn managers_of(
    db: &impl ConnectionTrait,
    base_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<user::Model>>, sea_orm::DbErr> {
    let rows = user_base::Entity::find()
        .filter(user_base::Column::BaseId.is_in(base_ids.iter().copied()))
        .find_also_related(user::Entity)
        .filter(user::Column::Role.eq(Role::BaseManager))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?;
    let mut by_base: HashMap<Uuid, Vec<user::Model>> = HashMap::new();
    for (link, user) in rows {
        if let Some(user) = user {
            by_base.entry(link.base_id).or_default().push(user);
        }
    }
    Ok(by_base)
}

/// What `createBase` asks for.
#[derive(Debug, Clone)]
pub struct NewBase {
    pub name: String,
    pub region_code: String,
    pub address: Option<String>,
    pub operator: Option<String>,
    pub status: Option<BaseStatus>,
    pub established_on: Option<NaiveDate>,
    pub capacity: Option<i32>,
    pub contact_phone: Option<String>,
    pub focus_areas: Vec<TrainingCategory>,
}

/// What `updateBase` changes; `None` leaves a field as it is.
#[derive(Debug, Clone)]
pub struct BaseChanges {
    pub id: Uuid,
    pub version: i32,
    pub name: Option<String>,
    pub address: Option<String>,
    pub operator: Option<String>,
    pub status: Option<BaseStatus>,
    pub capacity: Option<i32>,
    pub contact_phone: Option<String>,
    pub focus_areas: Option<Vec<TrainingCategory>>,
}

fn check_capacity(problems: &mut Problems, capacity: Option<i32>) {
    if capacity.is_some_and(|c| !(0..=1_000_000).contains(&c)) {
        problems.add(
            "capacity",
            UserErrorCode::Invalid,
            "容量须为 0 到 1000000 之间的整数",
        );
    }
}

/// Creates a base. Only an ADMIN, and only in its region (`FORBIDDEN` elsewhere).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewBase,
) -> ServiceResult<base::Model> {
    actor.require_role(Role::Admin)?;
    let scope = actor.admin_scope().ok_or(AppError::Forbidden)?;
    let mut problems = Problems::default();
    let name = validate::text(&mut problems, "name", &input.name, 1, 100);
    let address = validate::optional_text(&mut problems, "address", input.address.as_deref(), 200);
    let operator =
        validate::optional_text(&mut problems, "operator", input.operator.as_deref(), 100);
    let contact_phone = match input.contact_phone.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(phone) => validate::contact_phone(&mut problems, "contactPhone", phone).map(Some),
    };
    check_capacity(&mut problems, input.capacity);
    if input.established_on.is_some_and(|d| d > now().date_naive()) {
        problems.add(
            "establishedOn",
            UserErrorCode::Invalid,
            "成立日期不能晚于今天",
        );
    }

    let txn = begin_write(db).await?;
    let region_code = input.region_code.trim().to_owned();
    match region::Entity::find_by_id(region_code.clone())
        .one(&txn)
        .await?
    {
        None => problems.add("regionCode", UserErrorCode::NotFound, "地区不存在"),
        Some(_) if !scope.contains(&region_code) => return Err(AppError::Forbidden.into()),
        Some(_) => {}
    }
    problems.into_result()?;
    let (Some(name), Some(address), Some(operator), Some(contact_phone)) =
        (name, address, operator, contact_phone)
    else {
        return Err(AppError::internal(anyhow::anyhow!("validated base input incomplete")).into());
    };
    let now = now();
    let created = base::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        region_code: Set(region_code),
        address: Set(address),
        operator: Set(operator),
        status: Set(input.status.unwrap_or(BaseStatus::Active)),
        established_on: Set(input.established_on),
        capacity: Set(input.capacity),
        contact_phone: Set(contact_phone),
        focus_areas: Set(categories::encode(&input.focus_areas)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Updates a base the caller governs, if nobody changed it since `version` was read
/// (`STALE_VERSION` otherwise). A base outside the caller's region is `NOT_FOUND`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    input: BaseChanges,
) -> ServiceResult<base::Model> {
    actor.require_role(Role::Admin)?;
    let scope = actor.admin_scope().ok_or(AppError::Forbidden)?;
    let txn = begin_write(db).await?;
    let existing = in_scope(
        base::Entity::find_by_id(input.id),
        base::Column::RegionCode,
        &scope,
    )
    .one(&txn)
    .await?;
    let Some(existing) = existing else {
        return Err(UserError::input("id", UserErrorCode::NotFound, "基地不存在").into());
    };
    if existing.version != input.version {
        return Err(UserError::input(
            "version",
            UserErrorCode::StaleVersion,
            "基地已被他人修改，请刷新后重试",
        )
        .into());
    }

    let mut problems = Problems::default();
    let mut model: base::ActiveModel = existing.clone().into();
    if let Some(name) = input.name.as_deref()
        && let Some(name) = validate::text(&mut problems, "name", name, 1, 100)
    {
        model.name = Set(name);
    }
    if input.address.is_some()
        && let Some(address) =
            validate::optional_text(&mut problems, "address", input.address.as_deref(), 200)
    {
        model.address = Set(address);
    }
    if input.operator.is_some()
        && let Some(operator) =
            validate::optional_text(&mut problems, "operator", input.operator.as_deref(), 100)
    {
        model.operator = Set(operator);
    }
    match input.contact_phone.as_deref().map(str::trim) {
        None => {}
        Some("") => model.contact_phone = Set(None),
        Some(phone) => {
            if let Some(phone) = validate::contact_phone(&mut problems, "contactPhone", phone) {
                model.contact_phone = Set(Some(phone));
            }
        }
    }
    check_capacity(&mut problems, input.capacity);
    if input.capacity.is_some() {
        model.capacity = Set(input.capacity);
    }
    if let Some(status) = input.status {
        model.status = Set(status);
    }
    if let Some(areas) = &input.focus_areas {
        model.focus_areas = Set(categories::encode(areas));
    }
    problems.into_result()?;
    model.updated_at = Set(now());
    model.version = Set(existing.version + 1);

    // The version condition makes a concurrent writer's update lose rather than overwrite.
    let result = base::Entity::update_many()
        .set(model)
        .filter(base::Column::Id.eq(input.id))
        .filter(base::Column::Version.eq(input.version))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(UserError::input(
            "version",
            UserErrorCode::StaleVersion,
            "基地已被他人修改，请刷新后重试",
        )
        .into());
    }
    let updated = base::Entity::find_by_id(input.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(updated)
}
