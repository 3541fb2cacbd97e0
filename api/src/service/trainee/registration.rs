//! Registering a trainee: field checks, the base's scope, the duplicate check by blind
//! index, and the encrypted row with its consent record.

use chrono::NaiveDate;
use entity::{
    ConsentSource, DisabilityCategory, EducationLevel, EmploymentStatus, Gender, Residence,
    TraineeStatus, TrainingCategory, base, consent, region, trainee, trainee_interest,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, SqlErr,
};
use uuid::Uuid;

use super::identity::{self, Certificate, IdentityNumber, Sex};
use super::{AD_CERTIFICATE, AD_ID_NUMBER, CONSENT_PURPOSE, CONSENT_TEXT_VERSION, staff};
use crate::auth::{Actor, UserActor};
use crate::crypto::FieldCipher;
use crate::error::AppError;
use crate::service::lists;
use crate::service::scope::Scope;
use crate::service::write::write;
use crate::service::{
    Problems, ServiceError, ServiceResult, UserError, UserErrorCode, now, validate,
};

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
pub(super) async fn governed_base(
    db: &impl ConnectionTrait,
    user: &UserActor,
    base_id: Uuid,
) -> Result<Option<base::Model>, DbErr> {
    base::Entity::find_by_id(base_id)
        .filter(Scope::of_user(user).governed_bases(base::Column::Id))
        .one(db)
        .await
}

/// A checked registration with its numbers sealed: encrypted, blind-indexed and masked.
/// Sealing is CPU work, done before any transaction starts.
pub(super) struct Sealed {
    registration: ValidRegistration,
    id_number_enc: String,
    id_number_index: String,
    id_number_masked: String,
    certificate_enc: String,
    certificate_masked: String,
}

/// Seals a checked registration's numbers.
pub(super) fn seal(cipher: &FieldCipher, registration: ValidRegistration) -> ServiceResult<Sealed> {
    let encrypt = |value: &str, ad: &[u8]| cipher.encrypt(value, ad).map_err(AppError::internal);
    Ok(Sealed {
        id_number_enc: encrypt(&registration.identity.number, AD_ID_NUMBER)?,
        id_number_index: cipher.blind_index(&registration.identity.number),
        id_number_masked: crate::crypto::mask_middle(&registration.identity.number),
        certificate_enc: encrypt(&registration.certificate.number, AD_CERTIFICATE)?,
        certificate_masked: crate::crypto::mask_middle(&registration.certificate.number),
        registration,
    })
}

/// The rows a checked registration becomes: the trainee (numbers encrypted, blind-indexed
/// and masked) and its consent record.
pub(super) fn new_rows(
    cipher: &FieldCipher,
    recorded_by: Uuid,
    base: &base::Model,
    registration: ValidRegistration,
    source: ConsentSource,
) -> ServiceResult<(trainee::ActiveModel, consent::ActiveModel)> {
    sealed_rows(seal(cipher, registration)?, recorded_by, base, source)
}

/// The rows of a sealed registration at `base`.
pub(super) fn sealed_rows(
    sealed: Sealed,
    recorded_by: Uuid,
    base: &base::Model,
    source: ConsentSource,
) -> ServiceResult<(trainee::ActiveModel, consent::ActiveModel)> {
    let registration = sealed.registration;
    let category = category_of(registration.certificate.category)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("validated category out of range")))?;
    let now = now();
    let id = Uuid::now_v7();
    let trainee = trainee::ActiveModel {
        id: Set(id),
        base_id: Set(base.id),
        name: Set(registration.name),
        gender: Set(match registration.identity.sex {
            Sex::Male => Gender::Male,
            Sex::Female => Gender::Female,
        }),
        birth_date: Set(registration.identity.birth_date),
        id_number_enc: Set(sealed.id_number_enc),
        id_number_index: Set(sealed.id_number_index),
        id_number_masked: Set(sealed.id_number_masked),
        certificate_enc: Set(sealed.certificate_enc),
        certificate_masked: Set(sealed.certificate_masked),
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
pub(super) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

pub(super) fn duplicate() -> UserError {
    UserError::input("idNumber", UserErrorCode::Duplicate, "该人员已在网络中登记")
}

/// Whether someone with this blind index of an identity number is registered.
pub(super) async fn is_registered(db: &impl ConnectionTrait, index: &str) -> Result<bool, DbErr> {
    Ok(trainee::Entity::find()
        .filter(trainee::Column::IdNumberIndex.eq(index))
        .one(db)
        .await?
        .is_some())
}

/// Registers a trainee at a base the caller governs. Without consent nothing is looked at
/// or stored (`CONSENT_REQUIRED`). The numbers are sealed before the transaction starts.
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
    let (sealed, mut errors) = match check(&registration, now().date_naive()) {
        Ok(valid) => (Some(seal(cipher, valid)?), Vec::new()),
        Err(errors) => (None, errors),
    };
    write(db)
        .duplicate(
            trainee::Column::IdNumberIndex,
            "idNumber",
            "该人员已在网络中登记",
        )
        .run(async |txn| {
            let base = governed_base(txn, user, base_id).await?;
            if base.is_none() {
                errors.push(UserError::input(
                    "baseId",
                    UserErrorCode::NotFound,
                    "基地不存在",
                ));
            }
            if let Some(sealed) = &sealed {
                if let Some(code) = &sealed.registration.region_code
                    && region::Entity::find_by_id(code.clone())
                        .one(txn)
                        .await?
                        .is_none()
                {
                    errors.push(UserError::input(
                        "regionCode",
                        UserErrorCode::NotFound,
                        "地区不存在",
                    ));
                }
                if is_registered(txn, &sealed.id_number_index).await? {
                    errors.push(duplicate());
                }
            }
            let (Some(base), Some(sealed), true) = (base, sealed, errors.is_empty()) else {
                return Err(ServiceError::User(errors));
            };
            let interests = sealed.registration.interests.clone();
            let (trainee, consent) =
                sealed_rows(sealed, user.user_id, &base, ConsentSource::Registration)?;
            let created = trainee.insert(txn).await?;
            consent.insert(txn).await?;
            lists::insert::<trainee_interest::Entity>(txn, [(created.id, interests)]).await?;
            Ok(created)
        })
        .await
}
