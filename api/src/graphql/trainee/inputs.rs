//! Inputs of the trainee domain.

use async_graphql::{Enum, ID, InputObject, Upload};

use super::types::{
    DisabilityCategory, EducationLevel, EmploymentStatus, Residence, ServiceKind, TraineeStatus,
};
use crate::error::AppError;
use crate::graphql::base::types::TrainingCategory;
use crate::graphql::common::ids;
use crate::graphql::common::pagination::SortDirection;
use crate::graphql::common::scalars::Date;
use crate::service;

/// Filters of a trainee list; all given conditions must hold.
#[derive(InputObject, Default, Clone)]
pub struct TraineeFilter {
    /// Trainees of this base.
    pub base_id: Option<ID>,
    /// Trainees living in this region or anywhere under it.
    pub region_code: Option<String>,
    /// Trainees with any of these disability categories.
    pub disability_categories: Option<Vec<DisabilityCategory>>,
    /// Trainees in any of these states.
    pub status: Option<Vec<TraineeStatus>>,
    /// Urban or rural trainees.
    pub residence: Option<Residence>,
    /// Trainees interested in any of these categories.
    pub interests: Option<Vec<TrainingCategory>>,
    /// Case-insensitive part of the name, e.g. "王".
    pub search: Option<String>,
    /// Registered on or after this day (China time).
    pub registered_from: Option<Date>,
    /// Registered on or before this day (China time).
    pub registered_to: Option<Date>,
}

impl TraineeFilter {
    /// The service filter; a malformed `baseId` is `BAD_USER_INPUT`.
    pub fn into_service(self) -> Result<service::trainee::TraineeFilter, AppError> {
        Ok(service::trainee::TraineeFilter {
            base_id: ids::arg_opt("filter.baseId", self.base_id.as_ref())?,
            region_code: self.region_code,
            disability_categories: self
                .disability_categories
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            status: self
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            residence: self.residence.map(Into::into),
            interests: self
                .interests
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            search: self.search,
            registered_from: self.registered_from.map(|d| d.0),
            registered_to: self.registered_to.map(|d| d.0),
        })
    }
}

/// What a trainee list can be sorted by; equal values keep registration order.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum TraineeSortField {
    /// By name (as the database compares text: by code point, not by pinyin).
    Name,
    /// By registration time.
    RegisteredAt,
}

/// The order of a trainee list.
#[derive(InputObject, Clone, Copy)]
pub struct TraineeOrder {
    /// What to sort by.
    pub field: TraineeSortField,
    /// Which way.
    pub direction: SortDirection,
}

impl TraineeOrder {
    /// The service order; none given is registration order.
    pub fn into_service(order: Option<Self>) -> service::trainee::TraineeOrder {
        match order {
            None => service::trainee::TraineeOrder::default(),
            Some(order) => service::trainee::TraineeOrder {
                sort: match order.field {
                    TraineeSortField::Name => service::trainee::TraineeSort::Name,
                    TraineeSortField::RegisteredAt => service::trainee::TraineeSort::RegisteredAt,
                },
                direction: order.direction.into(),
            },
        }
    }
}

/// A new trainee, for `registerTrainee`.
#[derive(InputObject)]
pub struct RegisterTraineeInput {
    /// The base registering the trainee (one you govern).
    pub base_id: ID,
    /// Full name, 1–50 characters.
    pub name: String,
    /// 18-character resident identity number; gender and birth date are taken from it.
    pub id_number: String,
    /// 20-character disability certificate number: the identity number, the category digit
    /// (1–7) and the level digit (1–4).
    pub disability_certificate_number: String,
    /// Where the trainee lives; defaults to the base's region.
    pub region_code: Option<String>,
    /// Mainland mobile number (11 digits starting 13–19).
    pub phone: Option<String>,
    /// Urban or rural.
    pub residence: Residence,
    /// Highest education completed.
    pub education: Option<EducationLevel>,
    /// Employment status (default UNEMPLOYED).
    pub employment_status: Option<EmploymentStatus>,
    /// What the trainee wants to learn.
    pub interests: Option<Vec<TrainingCategory>>,
    /// The person's separate consent to processing their identity and disability data (PIPL
    /// art. 29). `false` refuses the registration with `CONSENT_REQUIRED`.
    pub consent_to_sensitive_data: bool,
}

/// Changes to a trainee, for `updateTrainee`; omitted fields stay as they are. A trainee may
/// change only its own `phone` and `interests`.
#[derive(InputObject)]
pub struct UpdateTraineeInput {
    /// The trainee.
    pub id: ID,
    /// The `version` you read; `STALE_VERSION` if the trainee changed since.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New mobile number; an empty string removes it.
    pub phone: Option<String>,
    /// New residence.
    pub residence: Option<Residence>,
    /// New education level.
    pub education: Option<EducationLevel>,
    /// New employment status.
    pub employment_status: Option<EmploymentStatus>,
    /// New programme status.
    pub status: Option<TraineeStatus>,
    /// New interests (replaces the list).
    pub interests: Option<Vec<TrainingCategory>>,
}

/// A move to another base, for `transferTrainee`.
#[derive(InputObject)]
pub struct TransferTraineeInput {
    /// The trainee.
    pub trainee_id: ID,
    /// The base to move to; you must govern it too.
    pub to_base_id: ID,
}

/// A request to see full numbers, for `revealTraineeIdentity`.
#[derive(InputObject)]
pub struct RevealIdentityInput {
    /// The trainee.
    pub trainee_id: ID,
    /// Why the full numbers are needed (2–200 characters); kept in the audit log.
    pub reason: String,
}

/// A spreadsheet of trainees, for `importTrainees`.
#[derive(InputObject)]
pub struct ImportTraineesInput {
    /// The base the trainees join (one you govern).
    pub base_id: ID,
    /// XLSX or CSV (UTF-8) with a header row in Chinese or English; download the template
    /// from `GET /templates/trainees.xlsx`. At most 10 MB and 5,000 rows. Importing records
    /// that the base holds each person's signed consent form.
    pub file: Upload,
    /// Check everything and write nothing.
    pub dry_run: Option<bool>,
}

/// A service given, for `recordService`.
#[derive(InputObject)]
pub struct RecordServiceInput {
    /// The trainee.
    pub trainee_id: ID,
    /// Which of the four services.
    pub kind: ServiceKind,
    /// When it was given (not in the future).
    pub date: Date,
    /// Free-text notes, up to 500 characters.
    pub notes: Option<String>,
}
