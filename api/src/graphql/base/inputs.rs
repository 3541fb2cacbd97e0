//! Inputs of the base domain.

use async_graphql::{ID, InputObject};

use super::types::{BaseStatus, TrainingCategory};
use crate::graphql::common::scalars::Date;

/// Filters of the base directory; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct BaseFilter {
    /// Bases in this region or anywhere under it.
    pub region_code: Option<String>,
    /// Bases in any of these states.
    pub status: Option<Vec<BaseStatus>>,
    /// Case-insensitive part of the name, e.g. "四平".
    pub search: Option<String>,
    /// Bases focusing on any of these categories.
    pub focus_areas: Option<Vec<TrainingCategory>>,
}

/// A new base, for `createBase`.
#[derive(InputObject)]
pub struct CreateBaseInput {
    /// Name, 1–100 characters.
    pub name: String,
    /// Region code of the base's location; must lie in your region.
    pub region_code: String,
    /// Street address.
    pub address: Option<String>,
    /// Organisation that runs the base.
    pub operator: Option<String>,
    /// Initial status (default ACTIVE).
    pub status: Option<BaseStatus>,
    /// When the base was established (not in the future).
    pub established_on: Option<Date>,
    /// How many trainees it can take (0 or more).
    pub capacity: Option<i32>,
    /// Public contact telephone.
    pub contact_phone: Option<String>,
    /// What the base trains for.
    pub focus_areas: Option<Vec<TrainingCategory>>,
}

/// Changes to a base, for `updateBase`; omitted fields stay as they are, an empty string
/// clears a text field.
#[derive(InputObject)]
pub struct UpdateBaseInput {
    /// The base.
    pub id: ID,
    /// The `version` you read; if the base changed since, the update is refused with
    /// `STALE_VERSION`.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New address.
    pub address: Option<String>,
    /// New operator.
    pub operator: Option<String>,
    /// New status.
    pub status: Option<BaseStatus>,
    /// New capacity.
    pub capacity: Option<i32>,
    /// New contact telephone.
    pub contact_phone: Option<String>,
    /// New focus areas (replaces the list).
    pub focus_areas: Option<Vec<TrainingCategory>>,
}
