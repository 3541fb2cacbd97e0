//! Inputs of the star domain.

use async_graphql::{ID, InputObject};

use super::types::{Platform, StarStage};
use crate::error::AppError;
use crate::graphql::common::ids;
use crate::graphql::common::scalars::{DateTime, Decimal};
use crate::service::star::profile;

/// Filters of the star list; all given conditions must hold.
#[derive(InputObject, Default, Clone)]
pub struct StarFilter {
    /// Stars cultivated at bases in this region or anywhere under it.
    pub region_code: Option<String>,
    /// Stars of trainees at this base.
    pub base_id: Option<ID>,
    /// Stars in any of these stages.
    pub stage: Option<Vec<StarStage>>,
    /// Case-insensitive part of the trainee's name, e.g. "王".
    pub search: Option<String>,
}

impl StarFilter {
    /// The service filter; a malformed base id is `BAD_USER_INPUT`.
    pub fn into_service(self) -> Result<profile::StarFilter, AppError> {
        Ok(profile::StarFilter {
            region_code: self.region_code,
            base_id: ids::arg_opt("filter.baseId", self.base_id.as_ref())?,
            stages: self
                .stage
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            search: self.search,
        })
    }
}

/// Nominates a trainee as an internet star; the profile starts in the PROSPECT stage.
#[derive(InputObject)]
pub struct NominateStarInput {
    /// The trainee, at a base you govern.
    pub trainee_id: ID,
    /// An INSTRUCTOR or BASE_MANAGER of the trainee's base.
    pub mentor_id: Option<ID>,
    /// Why the trainee was nominated (recorded in the stage history).
    pub note: Option<String>,
}

/// Moves a star to another stage.
#[derive(InputObject)]
pub struct AdvanceStageInput {
    /// The star profile.
    pub star_id: ID,
    /// The new stage (forward or back; not the current one).
    pub stage: StarStage,
    /// Why (recorded in the stage history).
    pub note: Option<String>,
}

/// Adds a platform account to a star.
#[derive(InputObject)]
pub struct AddPlatformAccountInput {
    /// The star profile.
    pub star_id: ID,
    /// The platform.
    pub platform: Platform,
    /// The account's name on the platform; unique per platform.
    pub handle: String,
    /// Followers now.
    pub followers: i32,
}

/// Records a follower count of a platform account.
#[derive(InputObject)]
pub struct UpdateFollowersInput {
    /// The platform account.
    pub account_id: ID,
    /// Followers at `asOf`.
    pub followers: i32,
    /// When the count was read off the platform (default: now; not in the future). An older
    /// count fills in the history without changing the account's latest count.
    pub as_of: Option<DateTime>,
}

/// Records a livestream session.
#[derive(InputObject)]
pub struct RecordLivestreamInput {
    /// The star profile.
    pub star_id: ID,
    /// Where it was streamed.
    pub platform: Platform,
    /// When it started (not in the future).
    pub started_at: DateTime,
    /// How long it ran, 1 to 2880 minutes.
    pub duration_minutes: i32,
    /// Most viewers at one time, ≥ 0.
    pub peak_viewers: i32,
    /// Cumulative views (观看人次), ≥ `peakViewers`.
    pub views: i32,
    /// Orders taken, ≥ 0.
    pub orders: i32,
    /// Sales in yuan, ≥ 0 with at most 2 decimals, e.g. "1234.50".
    pub sales: Decimal,
    /// Products featured; each must be PUBLISHED.
    pub product_ids: Option<Vec<ID>>,
}

/// Records a prize a trainee won.
#[derive(InputObject)]
pub struct RecordAwardInput {
    /// The competition's name; with `year` it finds the competition or creates it.
    pub competition_name: String,
    /// The year the competition was held.
    pub year: i32,
    /// Who organised it (kept when the competition is created).
    pub organizer: Option<String>,
    /// The winner, at a base you govern.
    pub trainee_id: ID,
    /// The prize, e.g. "一等奖".
    pub prize: String,
}
