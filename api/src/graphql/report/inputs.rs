//! Inputs of the support, outcome and target mutations.

use async_graphql::{ID, InputObject};

use super::types::{Indicator, OutcomeKind, SupportKind};
use crate::graphql::common::scalars::{Date, Decimal};

/// Support granted, for `grantSupport`.
#[derive(InputObject)]
pub struct GrantSupportInput {
    /// The trainee.
    pub trainee_id: ID,
    /// What kind of support.
    pub kind: SupportKind,
    /// What was given, up to 500 characters.
    pub description: Option<String>,
    /// Its value in yuan: not negative, at most two decimals.
    pub amount: Decimal,
    /// When it was granted (not in the future).
    pub granted_on: Date,
}

/// An outcome, for `recordOutcome`.
#[derive(InputObject)]
pub struct RecordOutcomeInput {
    /// The trainee.
    pub trainee_id: ID,
    /// What kind of outcome.
    pub kind: OutcomeKind,
    /// When it was reached (not in the future).
    pub date: Date,
    /// Monthly income in yuan: not negative, at most two decimals.
    pub monthly_income: Option<Decimal>,
    /// The employer, up to 200 characters.
    pub employer: Option<String>,
}

/// A yearly target, for `setTarget`.
#[derive(InputObject)]
pub struct SetTargetInput {
    /// GB/T 2260 code of your region or one below it.
    pub region_code: String,
    /// The plan year (2000–2100).
    pub year: i32,
    /// Which indicator.
    pub indicator: Indicator,
    /// The planned value, not negative.
    pub value: i32,
}
