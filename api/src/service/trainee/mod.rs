//! Trainees: registration with separate consent, scope-limited reading, versioned updates,
//! transfers between bases, audited reveals of the full identity numbers, and imports.
//!
//! Who sees a trainee is decided in SQL by [`visible`]: an ADMIN the trainees of bases in its
//! region, a BASE_MANAGER those of its bases, a TRAINEE itself, everyone else nobody.

pub mod employment;
pub mod identity;
pub mod import;
pub mod import_file;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use entity::{
    ConsentSource, DisabilityCategory, EducationLevel, EmploymentStatus, Gender, Residence, Role,
    TraineeStatus, TrainingCategory, base, consent, identity_reveal, region, trainee,
};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, LikeExpr, Query, SelectStatement, WindowStatement,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, QueryTrait,
    Select, SqlErr,
};
use uuid::Uuid;

use self::identity::{Certificate, IdentityNumber, Sex};
use super::categories;
use super::page::{self, Page, PageArgs};
use super::{
    Problems, ServiceError, ServiceResult, UserError, UserErrorCode, begin_write, now, validate,
};
use crate::auth::{Actor, RegionScope, UserActor};
use crate::crypto::FieldCipher;
use crate::error::AppError;

/// What the registration form asks the person to agree to (PIPL art. 29).
pub const CONSENT_PURPOSE: &str = "为提供残疾人网络创业孵化服务（登记、培训、就业帮扶与统计上报），处理本人的身份证号与残疾人证信息";
/// Version of the consent text shown with the form.
pub const CONSENT_TEXT_VERSION: &str = "2026-11";

/// Associated data binding each ciphertext to its column.
const AD_ID_NUMBER: &[u8] = b"trainee.id_number";
const AD_CERTIFICATE: &[u8] = b"trainee.certificate";

/// Registration dates in filters are Chinese calendar dates: midnight in UTC+8 is 16:00
/// UTC the day before.
fn china_midnight_utc(date: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    date.and_time(NaiveTime::MIN).and_utc() - chrono::Duration::hours(8)
}

/// A condition no row meets (the primary key is never null).
fn nothing() -> Condition {
    Condition::all().add(trainee::Column::Id.is_null())
}

/// Ids of the bases in a region scope, as a subquery.
fn bases_in(scope: &RegionScope) -> Option<SelectStatement> {
    scope.code_range().map(|(low, high)| {
        Query::select()
            .column(base::Column::Id)
            .from(base::Entity)
            .and_where(base::Column::RegionCode.between(low, high))
            .to_owned()
    })
}

/// The trainees `actor` may see, as a SQL condition.
pub fn visible(actor: &Actor) -> Condition {
    let Actor::User(user) = actor else {
        return nothing();
    };
    match user.role {
        Role::Admin => match bases_in(&RegionScope::of(user.region_code.as_deref())) {
            None => Condition::all(),
            Some(subquery) => Condition::all().add(trainee::Column::BaseId.in_subquery(subquery)),
        },
        Role::BaseManager => {
            Condition::all().add(trainee::Column::BaseId.is_in(user.base_ids.iter().copied()))
        }
        Role::Trainee => match user.trainee_id {
            Some(id) => Condition::all().add(trainee::Column::Id.eq(id)),
            None => nothing(),
        },
        // Instructors will see their courses' trainees once courses exist; partners never.
        Role::Instructor | Role::Partner => nothing(),
    }
}

/// The staff member allowed to register and manage trainees: an ADMIN or a BASE_MANAGER.
fn staff(actor: &Actor) -> Result<&UserActor, AppError> {
    let user = actor.user()?;
    match user.role {
        Role::Admin | Role::BaseManager => Ok(user),
        _ => Err(AppError::Forbidden),
    }
}

/// Whether a staff member governs a base: ADMIN over its region, BASE_MANAGER working there.
pub fn governs(user: &UserActor, base: &base::Model) -> bool {
    match user.role {
        Role::Admin => RegionScope::of(user.region_code.as_deref()).contains(&base.region_code),
        Role::BaseManager => user.base_ids.contains(&base.id),
        _ => false,
    }
}

/// Filters of the trainee list; all given conditions must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TraineeFilter {
    pub base_id: Option<Uuid>,
    /// Trainees living in this region or under it.
    pub region_code: Option<String>,
    pub disability_categories: Vec<DisabilityCategory>,
    pub status: Vec<TraineeStatus>,
    pub residence: Option<Residence>,
    /// Case-insensitive part of the name.
    pub search: Option<String>,
    /// Registered on or after this date (China time).
    pub registered_from: Option<NaiveDate>,
    /// Registered on or before this date (China time).
    pub registered_to: Option<NaiveDate>,
}

fn filtered(actor: &Actor, filter: &TraineeFilter) -> Select<trainee::Entity> {
    let mut select = trainee::Entity::find().filter(visible(actor));
    if let Some(base_id) = filter.base_id {
        select = select.filter(trainee::Column::BaseId.eq(base_id));
    }
    if let Some(code) = filter.region_code.as_deref()
        && let Some((low, high)) = RegionScope::of(Some(code)).code_range()
    {
        select = select.filter(trainee::Column::RegionCode.between(low, high));
    }
    if !filter.disability_categories.is_empty() {
        select = select.filter(
            trainee::Column::DisabilityCategory.is_in(filter.disability_categories.iter().copied()),
        );
    }
    if !filter.status.is_empty() {
        select = select.filter(trainee::Column::Status.is_in(filter.status.iter().copied()));
    }
    if let Some(residence) = filter.residence {
        select = select.filter(trainee::Column::Residence.eq(residence));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        select = select.filter(
            Expr::expr(Func::lower(Expr::col(trainee::Column::Name)))
                .like(LikeExpr::new(validate::like_pattern(search)).escape('\\')),
        );
    }
    if let Some(from) = filter.registered_from {
        select = select.filter(trainee::Column::RegisteredAt.gte(china_midnight_utc(from)));
    }
    if let Some(to) = filter.registered_to.and_then(|d| d.succ_opt()) {
        select = select.filter(trainee::Column::RegisteredAt.lt(china_midnight_utc(to)));
    }
    select
}

/// One page of the trainees the caller may see, in registration order.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &TraineeFilter,
    args: PageArgs,
) -> ServiceResult<Page<trainee::Model>> {
    Ok(page::fetch(db, filtered(actor, filter), trainee::Column::Id, args).await?)
}

/// How many trainees the caller may see match the filter.
pub async fn count(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &TraineeFilter,
) -> ServiceResult<u64> {
    Ok(page::count(db, filtered(actor, filter)).await?)
}

/// One trainee, if the caller may see it.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<Option<trainee::Model>> {
    Ok(trainee::Entity::find_by_id(id)
        .filter(visible(actor))
        .one(db)
        .await?)
}

/// Trainees by id among those the caller may see, for the trainee loader.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, trainee::Model>, DbErr> {
    Ok(trainee::Entity::find()
        .filter(trainee::Column::Id.is_in(ids.iter().copied()))
        .filter(visible(actor))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect())
}

#[derive(FromQueryResult)]
struct BaseCount {
    base_id: Uuid,
    count: i64,
}

/// The first `limit` visible trainees of each base (after `after`), in one statement for all
/// bases: a window function numbers each base's rows.
pub async fn first_per_base(
    db: &impl ConnectionTrait,
    actor: &Actor,
    base_ids: &[Uuid],
    filter: &TraineeFilter,
    limit: u64,
    after: Option<Uuid>,
) -> Result<HashMap<Uuid, Page<trainee::Model>>, DbErr> {
    let rank = Alias::new("rank_in_base");
    let mut inner =
        filtered(actor, filter).filter(trainee::Column::BaseId.is_in(base_ids.iter().copied()));
    if let Some(after) = after {
        inner = inner.filter(trainee::Column::Id.gt(after));
    }
    let mut inner = inner.into_query();
    inner.expr_window_as(
        Func::cust(Alias::new("ROW_NUMBER")),
        WindowStatement::partition_by(trainee::Column::BaseId)
            .order_by(trainee::Column::Id, sea_orm::Order::Asc)
            .to_owned(),
        rank.clone(),
    );
    let numbered = Alias::new("numbered");
    let outer = Query::select()
        .column(sea_orm::sea_query::Asterisk)
        .from_subquery(inner, numbered)
        .and_where(Expr::col(rank.clone()).lte(limit + 1))
        .order_by(rank, sea_orm::Order::Asc)
        .to_owned();
    let statement = db.get_database_backend().build(&outer);
    let rows = trainee::Model::find_by_statement(statement).all(db).await?;
    let mut pages: HashMap<Uuid, Page<trainee::Model>> = base_ids
        .iter()
        .map(|id| {
            (
                *id,
                Page {
                    items: Vec::new(),
                    has_previous: after.is_some(),
                    has_next: false,
                },
            )
        })
        .collect();
    for row in rows {
        if let Some(page) = pages.get_mut(&row.base_id) {
            if page.items.len() as u64 == limit {
                page.has_next = true;
            } else {
                page.items.push(row);
            }
        }
    }
    Ok(pages)
}

/// How many visible trainees matching the filter each base has, in one statement.
pub async fn count_per_base(
    db: &impl ConnectionTrait,
    actor: &Actor,
    base_ids: &[Uuid],
    filter: &TraineeFilter,
) -> Result<HashMap<Uuid, u64>, DbErr> {
    let counts = filtered(actor, filter)
        .filter(trainee::Column::BaseId.is_in(base_ids.iter().copied()))
        .select_only()
        .column(trainee::Column::BaseId)
        .column_as(trainee::Column::Id.count(), "count")
        .group_by(trainee::Column::BaseId)
        .into_model::<BaseCount>()
        .all(db)
        .await?;
    Ok(counts
        .into_iter()
        .map(|c| (c.base_id, u64::try_from(c.count).unwrap_or(0)))
        .collect())
}

/// What a trainee wants to learn.
pub fn interests(model: &trainee::Model) -> Vec<TrainingCategory> {
    categories::decode(&model.interests)
}

/// What a registration carries, from the form or from an import row.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    pub name: String,
    pub id_number: String,
    pub certificate_number: String,
    pub region_code: Option<String>,
    pub phone: Option<String>,
    pub residence: Option<Residence>,
    pub education: Option<EducationLevel>,
    pub employment_status: Option<EmploymentStatus>,
    pub interests: Vec<TrainingCategory>,
}

/// A registration that passed every check that needs no database.
#[derive(Debug, Clone)]
pub struct ValidRegistration {
    pub name: String,
    pub identity: IdentityNumber,
    pub certificate: Certificate,
    pub region_code: Option<String>,
    pub phone: Option<String>,
    pub residence: Residence,
    pub education: Option<EducationLevel>,
    pub employment_status: EmploymentStatus,
    pub interests: Vec<TrainingCategory>,
}

fn category_of(digit: u8) -> Option<DisabilityCategory> {
    use DisabilityCategory::*;
    [
        Visual,
        Hearing,
        Speech,
        Physical,
        Intellectual,
        Mental,
        Multiple,
    ]
    .get(usize::from(digit).checked_sub(1)?)
    .copied()
}

/// Checks a registration's fields; each problem names its input field.
pub fn check(
    registration: &Registration,
    today: NaiveDate,
) -> Result<ValidRegistration, Vec<UserError>> {
    let mut problems = Problems::default();
    let name = validate::text(&mut problems, "name", &registration.name, 1, 50);
    let identity = if registration.id_number.trim().is_empty() {
        problems.add("idNumber", UserErrorCode::Required, "请填写身份证号");
        None
    } else {
        identity::parse_id_number(&registration.id_number, today)
            .map_err(|e| problems.add("idNumber", UserErrorCode::Invalid, e.message()))
            .ok()
    };
    let certificate = match &identity {
        _ if registration.certificate_number.trim().is_empty() => {
            problems.add(
                "disabilityCertificateNumber",
                UserErrorCode::Required,
                "请填写残疾人证号",
            );
            None
        }
        Some(identity) => identity::parse_certificate(&registration.certificate_number, identity)
            .map_err(|e| {
                problems.add(
                    "disabilityCertificateNumber",
                    UserErrorCode::Invalid,
                    e.message(),
                )
            })
            .ok(),
        None => None,
    };
    let phone = match registration.phone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(phone) => identity::parse_mobile_phone(phone)
            .map_err(|e| problems.add("phone", UserErrorCode::Invalid, e.message()))
            .ok(),
    };
    if registration.residence.is_none() {
        problems.add(
            "residence",
            UserErrorCode::Required,
            "请填写城乡（城镇或农村）",
        );
    }
    match (name, identity, certificate, registration.residence) {
        (Some(name), Some(identity), Some(certificate), Some(residence)) if problems.is_empty() => {
            Ok(ValidRegistration {
                name,
                identity,
                certificate,
                region_code: registration
                    .region_code
                    .as_deref()
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned),
                phone,
                residence,
                education: registration.education,
                employment_status: registration
                    .employment_status
                    .unwrap_or(EmploymentStatus::Unemployed),
                interests: registration.interests.clone(),
            })
        }
        _ => Err(problems.into_errors()),
    }
}

/// The base a registration goes to, if the caller governs it.
async fn governed_base(
    db: &impl ConnectionTrait,
    user: &UserActor,
    base_id: Uuid,
) -> Result<Option<base::Model>, DbErr> {
    Ok(base::Entity::find_by_id(base_id)
        .one(db)
        .await?
        .filter(|b| governs(user, b)))
}

/// The rows a checked registration becomes: the trainee (numbers encrypted, blind-indexed
/// and masked) and its consent record.
fn new_rows(
    cipher: &FieldCipher,
    recorded_by: Uuid,
    base: &base::Model,
    registration: ValidRegistration,
    source: ConsentSource,
) -> ServiceResult<(trainee::ActiveModel, consent::ActiveModel)> {
    let category = category_of(registration.certificate.category)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("validated category out of range")))?;
    let now = now();
    let id = Uuid::now_v7();
    let encrypt = |value: &str, ad: &[u8]| cipher.encrypt(value, ad).map_err(AppError::internal);
    let trainee = trainee::ActiveModel {
        id: Set(id),
        base_id: Set(base.id),
        name: Set(registration.name),
        gender: Set(match registration.identity.sex {
            Sex::Male => Gender::Male,
            Sex::Female => Gender::Female,
        }),
        birth_date: Set(registration.identity.birth_date),
        id_number_enc: Set(encrypt(&registration.identity.number, AD_ID_NUMBER)?),
        id_number_index: Set(cipher.blind_index(&registration.identity.number)),
        id_number_masked: Set(crate::crypto::mask_middle(&registration.identity.number)),
        certificate_enc: Set(encrypt(&registration.certificate.number, AD_CERTIFICATE)?),
        certificate_masked: Set(crate::crypto::mask_middle(&registration.certificate.number)),
        disability_category: Set(category),
        disability_level: Set(i32::from(registration.certificate.level)),
        phone: Set(registration.phone),
        region_code: Set(registration
            .region_code
            .unwrap_or_else(|| base.region_code.clone())),
        residence: Set(registration.residence),
        education: Set(registration.education),
        employment_status: Set(registration.employment_status),
        status: Set(TraineeStatus::Active),
        interests: Set(categories::encode(&registration.interests)),
        registered_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    };
    let consent = consent::ActiveModel {
        id: Set(Uuid::now_v7()),
        trainee_id: Set(id),
        purpose: Set(CONSENT_PURPOSE.to_owned()),
        text_version: Set(CONSENT_TEXT_VERSION.to_owned()),
        source: Set(source),
        consented_at: Set(now),
        recorded_by: Set(recorded_by),
    };
    Ok((trainee, consent))
}

/// Whether a database error is a unique-constraint violation (a concurrent registration of
/// the same person).
fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

fn duplicate() -> UserError {
    UserError::input("idNumber", UserErrorCode::Duplicate, "该人员已在网络中登记")
}

/// Whether someone with this identity number is registered (by blind index).
async fn is_registered(
    db: &impl ConnectionTrait,
    cipher: &FieldCipher,
    number: &str,
) -> Result<bool, DbErr> {
    Ok(trainee::Entity::find()
        .filter(trainee::Column::IdNumberIndex.eq(cipher.blind_index(number)))
        .one(db)
        .await?
        .is_some())
}

/// Registers a trainee at a base the caller governs. Without consent nothing is looked at
/// or stored (`CONSENT_REQUIRED`).
pub async fn register(
    db: &DatabaseConnection,
    cipher: &FieldCipher,
    actor: &Actor,
    base_id: Uuid,
    registration: Registration,
    consent_given: bool,
) -> ServiceResult<trainee::Model> {
    let user = staff(actor)?;
    if !consent_given {
        return Err(UserError::input(
            "consentToSensitiveData",
            UserErrorCode::ConsentRequired,
            "须取得本人对处理身份证与残疾人证信息的单独同意",
        )
        .into());
    }
    let txn = begin_write(db).await?;
    let base = governed_base(&txn, user, base_id).await?;
    let checked = check(&registration, now().date_naive());
    let mut problems = Problems::default();
    if base.is_none() {
        problems.add("baseId", UserErrorCode::NotFound, "基地不存在");
    }
    if let Ok(valid) = &checked {
        if let Some(code) = &valid.region_code
            && region::Entity::find_by_id(code.clone())
                .one(&txn)
                .await?
                .is_none()
        {
            problems.add("regionCode", UserErrorCode::NotFound, "地区不存在");
        }
        if is_registered(&txn, cipher, &valid.identity.number).await? {
            problems.push(duplicate());
        }
    }
    let valid = match checked {
        Ok(valid) => valid,
        Err(mut errors) => {
            errors.extend(problems.into_errors());
            return Err(ServiceError::User(errors));
        }
    };
    problems.into_result()?;
    let Some(base) = base else {
        return Err(AppError::NotFound.into());
    };
    let (trainee, consent) = new_rows(
        cipher,
        user.user_id,
        &base,
        valid,
        ConsentSource::Registration,
    )?;
    let created = match trainee.insert(&txn).await {
        Ok(created) => created,
        Err(err) if is_unique_violation(&err) => return Err(duplicate().into()),
        Err(err) => return Err(err.into()),
    };
    consent.insert(&txn).await?;
    txn.commit().await?;
    Ok(created)
}

/// What `updateTrainee` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TraineeChanges {
    pub id: Uuid,
    pub version: i32,
    pub name: Option<String>,
    /// `Some("")` removes the phone number.
    pub phone: Option<String>,
    pub residence: Option<Residence>,
    pub education: Option<EducationLevel>,
    pub employment_status: Option<EmploymentStatus>,
    pub status: Option<TraineeStatus>,
    pub interests: Option<Vec<TrainingCategory>>,
}

fn stale() -> UserError {
    UserError::input(
        "version",
        UserErrorCode::StaleVersion,
        "学员信息已被他人修改，请刷新后重试",
    )
}

fn not_found(field: &str) -> UserError {
    UserError::input(field, UserErrorCode::NotFound, "学员不存在")
}

/// Updates a trainee the caller manages, guarded by `version`. A TRAINEE may change only its
/// own phone and interests.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    changes: TraineeChanges,
) -> ServiceResult<trainee::Model> {
    let user = actor.user()?;
    match user.role {
        Role::Admin | Role::BaseManager => {}
        Role::Trainee => {
            let touches_more = changes.name.is_some()
                || changes.residence.is_some()
                || changes.education.is_some()
                || changes.employment_status.is_some()
                || changes.status.is_some();
            if touches_more {
                return Err(AppError::Forbidden.into());
            }
        }
        Role::Instructor | Role::Partner => return Err(AppError::Forbidden.into()),
    }
    let txn = begin_write(db).await?;
    let Some(existing) = get(&txn, actor, changes.id).await? else {
        return Err(not_found("id").into());
    };
    if existing.version != changes.version {
        return Err(stale().into());
    }
    let mut problems = Problems::default();
    let mut model: trainee::ActiveModel = existing.clone().into();
    if let Some(name) = changes.name.as_deref()
        && let Some(name) = validate::text(&mut problems, "name", name, 1, 50)
    {
        model.name = Set(name);
    }
    match changes.phone.as_deref().map(str::trim) {
        None => {}
        Some("") => model.phone = Set(None),
        Some(phone) => match identity::parse_mobile_phone(phone) {
            Ok(phone) => model.phone = Set(Some(phone)),
            Err(e) => problems.add("phone", UserErrorCode::Invalid, e.message()),
        },
    }
    if let Some(residence) = changes.residence {
        model.residence = Set(residence);
    }
    if changes.education.is_some() {
        model.education = Set(changes.education);
    }
    if let Some(status) = changes.employment_status {
        model.employment_status = Set(status);
    }
    if let Some(status) = changes.status {
        model.status = Set(status);
    }
    if let Some(interests) = &changes.interests {
        model.interests = Set(categories::encode(interests));
    }
    problems.into_result()?;
    save_versioned(&txn, existing.id, model, existing.version).await?;
    let updated = trainee::Entity::find_by_id(changes.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(updated)
}

/// Writes `model` if the row still has `version`; bumps the version and `updated_at`.
async fn save_versioned(
    db: &impl ConnectionTrait,
    id: Uuid,
    mut model: trainee::ActiveModel,
    version: i32,
) -> ServiceResult<()> {
    model.version = Set(version + 1);
    model.updated_at = Set(now());
    let result = trainee::Entity::update_many()
        .set(model)
        .filter(trainee::Column::Id.eq(id))
        .filter(trainee::Column::Version.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(stale().into())
    }
}

/// Moves a trainee to another base. The caller must govern both bases: an ADMIN covering
/// both regions or a manager of both. Records stay with the person.
pub async fn transfer(
    db: &DatabaseConnection,
    actor: &Actor,
    trainee_id: Uuid,
    to_base_id: Uuid,
) -> ServiceResult<trainee::Model> {
    let user = staff(actor)?;
    let txn = begin_write(db).await?;
    let Some(existing) = get(&txn, actor, trainee_id).await? else {
        return Err(not_found("traineeId").into());
    };
    let Some(target) = governed_base(&txn, user, to_base_id).await? else {
        return Err(UserError::input(
            "toBaseId",
            UserErrorCode::NotFound,
            "目标基地不存在或不在您的管辖范围内",
        )
        .into());
    };
    if target.id == existing.base_id {
        return Err(UserError::input("toBaseId", UserErrorCode::Invalid, "学员已在该基地").into());
    }
    let mut model: trainee::ActiveModel = existing.clone().into();
    model.base_id = Set(target.id);
    save_versioned(&txn, existing.id, model, existing.version).await?;
    let moved = trainee::Entity::find_by_id(trainee_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(moved)
}

/// The full numbers of a trainee, as revealed.
#[derive(Debug, Clone)]
pub struct Revealed {
    pub id_number: String,
    pub certificate_number: String,
}

/// Reveals a trainee's full identity and certificate numbers to an ADMIN over its base, its
/// own BASE_MANAGER or the trainee, and writes the audit record in the same transaction.
pub async fn reveal(
    db: &DatabaseConnection,
    cipher: &FieldCipher,
    actor: &Actor,
    trainee_id: Uuid,
    reason: &str,
) -> ServiceResult<Revealed> {
    let user = actor.user()?;
    if !matches!(user.role, Role::Admin | Role::BaseManager | Role::Trainee) {
        return Err(AppError::Forbidden.into());
    }
    let mut problems = Problems::default();
    let reason = validate::text(&mut problems, "reason", reason, 2, 200);
    let txn = begin_write(db).await?;
    let found = get(&txn, actor, trainee_id).await?;
    if found.is_none() {
        problems.push(not_found("traineeId"));
    }
    problems.into_result()?;
    let (Some(found), Some(reason)) = (found, reason) else {
        return Err(
            AppError::internal(anyhow::anyhow!("validated reveal input incomplete")).into(),
        );
    };
    let decrypt = |value: &str, ad: &[u8]| cipher.decrypt(value, ad).map_err(AppError::internal);
    let revealed = Revealed {
        id_number: decrypt(&found.id_number_enc, AD_ID_NUMBER)?,
        certificate_number: decrypt(&found.certificate_enc, AD_CERTIFICATE)?,
    };
    identity_reveal::ActiveModel {
        id: Set(Uuid::now_v7()),
        trainee_id: Set(found.id),
        revealed_by: Set(user.user_id),
        reason: Set(reason),
        revealed_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    tracing::info!(trainee_id = %found.id, revealed_by = %user.user_id, "identity revealed");
    Ok(revealed)
}

fn reveals_in_scope(
    actor: &Actor,
    trainee_id: Option<Uuid>,
) -> Result<Select<identity_reveal::Entity>, AppError> {
    let scope = actor
        .require_role(Role::Admin)
        .map(|_| actor.admin_scope())?
        .ok_or(AppError::Forbidden)?;
    let mut select = identity_reveal::Entity::find();
    if let Some(subquery) = bases_in(&scope) {
        let trainees = Query::select()
            .column(trainee::Column::Id)
            .from(trainee::Entity)
            .and_where(trainee::Column::BaseId.in_subquery(subquery))
            .to_owned();
        select = select.filter(identity_reveal::Column::TraineeId.in_subquery(trainees));
    }
    if let Some(id) = trainee_id {
        select = select.filter(identity_reveal::Column::TraineeId.eq(id));
    }
    Ok(select)
}

/// The reveal audit log for an ADMIN: reveals of trainees at bases in its region, oldest first.
pub async fn reveals(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_id: Option<Uuid>,
    args: PageArgs,
) -> ServiceResult<Page<identity_reveal::Model>> {
    let select = reveals_in_scope(actor, trainee_id)?;
    Ok(page::fetch(db, select, identity_reveal::Column::Id, args).await?)
}

/// How many audit entries `reveals` would list.
pub async fn count_reveals(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_id: Option<Uuid>,
) -> ServiceResult<u64> {
    Ok(page::count(db, reveals_in_scope(actor, trainee_id)?).await?)
}
