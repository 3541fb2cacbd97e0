//! Incubation bases: a public directory; created and edited by ADMINs within their region.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{BaseStatus, Role, TrainingCategory, base, base_focus_area, region, user, user_base};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Select,
};
use uuid::Uuid;

use super::lists;
use super::page::{self, Order, Page, PageArgs};
use super::scope::{Scope, in_region};
use super::write::write;
use super::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};
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
    /// Bases focusing on any of these categories.
    pub focus_areas: Vec<TrainingCategory>,
}

fn filtered(filter: &BaseFilter) -> Select<base::Entity> {
    let mut select = base::Entity::find();
    if let Some(code) = filter.region_code.as_deref() {
        select = select.filter(in_region(
            base::Column::RegionCode,
            &RegionScope::of(Some(code)),
        ));
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
    if !filter.focus_areas.is_empty() {
        select = select.filter(lists::any_of::<base_focus_area::Entity>(
            base::Column::Id,
            &filter.focus_areas,
        ));
    }
    select
}

/// One page of the base directory (public).
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &BaseFilter,
    args: &PageArgs,
) -> ServiceResult<Page<base::Model>> {
    validate::search_term(filter.search.as_deref())?;
    let order = Order::by_id(base::Column::Id);
    Ok(page::fetch(db, filtered(filter), &order, args).await?)
}

/// How many bases match the filter.
pub async fn count(db: &impl ConnectionTrait, filter: &BaseFilter) -> ServiceResult<u64> {
    validate::search_term(filter.search.as_deref())?;
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
    let region = Scope::of(actor).admin()?;
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

    write(db)
        .run(async |txn| {
            let region_code = input.region_code.trim().to_owned();
            match region::Entity::find_by_id(region_code.clone())
                .one(txn)
                .await?
            {
                None => problems.add("regionCode", UserErrorCode::NotFound, "地区不存在"),
                Some(_) if !region.contains(&region_code) => return Err(AppError::Forbidden.into()),
                Some(_) => {}
            }
            problems.into_result()?;
            let (Some(name), Some(address), Some(operator), Some(contact_phone)) =
                (name, address, operator, contact_phone)
            else {
                return Err(
                    AppError::internal(anyhow::anyhow!("validated base input incomplete")).into(),
                );
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
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(txn)
            .await?;
            lists::insert::<base_focus_area::Entity>(txn, [(created.id, input.focus_areas)])
                .await?;
            Ok(created)
        })
        .await
}

/// Updates a base the caller governs, if nobody changed it since `version` was read
/// (`STALE_VERSION` otherwise). A base outside the caller's region is `NOT_FOUND`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    input: BaseChanges,
) -> ServiceResult<base::Model> {
    let scope = Scope::of(actor);
    scope.admin()?;
    write(db)
        .run(async |txn| {
            let existing = base::Entity::find_by_id(input.id)
                .filter(scope.governed_regions(base::Column::RegionCode))
                .one(txn)
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
                && let Some(operator) = validate::optional_text(
                    &mut problems,
                    "operator",
                    input.operator.as_deref(),
                    100,
                )
            {
                model.operator = Set(operator);
            }
            match input.contact_phone.as_deref().map(str::trim) {
                None => {}
                Some("") => model.contact_phone = Set(None),
                Some(phone) => {
                    if let Some(phone) =
                        validate::contact_phone(&mut problems, "contactPhone", phone)
                    {
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
            problems.into_result()?;
            model.updated_at = Set(now());
            model.version = Set(existing.version + 1);

            // The version condition makes a concurrent writer's update lose rather than overwrite.
            let result = base::Entity::update_many()
                .set(model)
                .filter(base::Column::Id.eq(input.id))
                .filter(base::Column::Version.eq(input.version))
                .exec(txn)
                .await?;
            if result.rows_affected != 1 {
                return Err(UserError::input(
                    "version",
                    UserErrorCode::StaleVersion,
                    "基地已被他人修改，请刷新后重试",
                )
                .into());
            }
            if let Some(areas) = &input.focus_areas {
                lists::replace::<base_focus_area::Entity>(txn, input.id, areas).await?;
            }
            let updated = base::Entity::find_by_id(input.id)
                .one(txn)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(updated)
        })
        .await
}
