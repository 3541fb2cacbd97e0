//! Internet star cultivation (网创红人): star profiles with their stage history, platform
//! accounts with follower snapshots, livestreams with their dashboard figures, growth series,
//! competitions and awards.
//!
//! Who sees a star is decided in SQL by [`visible`], through the star's trainee: an ADMIN the
//! stars of bases in its region, a BASE_MANAGER those of its bases, a TRAINEE its own profile.
//! ADMINs and BASE_MANAGERs record; everyone else only reads what they see.

pub mod account;
pub mod award;
pub mod growth;
pub mod livestream;
pub mod metrics;
pub mod profile;

use entity::{Role, star_profile, trainee};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::auth::{Actor, UserActor};
use crate::error::AppError;
use crate::service::scope::Scope;

/// The staff allowed to record star data: an ADMIN or a BASE_MANAGER.
fn staff(actor: &Actor) -> Result<&UserActor, AppError> {
    Scope::of(actor).staff()
}

/// Whether the caller may read star data at all: ADMINs, BASE_MANAGERs and TRAINEEs (their
/// own); `FORBIDDEN` for other roles, `UNAUTHENTICATED` without credentials.
pub fn may_read(actor: &Actor) -> Result<(), AppError> {
    match Scope::of(actor).user()?.role {
        Role::Admin | Role::BaseManager | Role::Trainee => Ok(()),
        Role::Instructor | Role::Partner => Err(AppError::Forbidden),
    }
}

/// A quick check, without the database, whether the caller might see the stars of a base in
/// `region_code`: false means certainly not; true still needs the scoped read.
pub fn might_see(actor: &Actor, base_id: Uuid, region_code: &str) -> bool {
    let scope = Scope::of(actor);
    match scope.role() {
        Some(Role::Admin) => scope.governs_region(region_code),
        Some(Role::BaseManager) => scope.user().is_ok_and(|u| u.base_ids.contains(&base_id)),
        Some(Role::Trainee) => true,
        _ => false,
    }
}

/// The trainees whose star data `actor` may see, as a condition on a trainee id `column`:
/// the trainees of the scope module (an ADMIN those of bases in its region, a BASE_MANAGER
/// those of its bases, a TRAINEE itself), not widened: instructors see no star data.
fn trainees_visible(actor: &Actor, column: impl ColumnTrait) -> Condition {
    let trainees = Query::select()
        .column(trainee::Column::Id)
        .from(trainee::Entity)
        .cond_where(
            Scope::of(actor)
                .trainees(trainee::Column::Id, trainee::Column::BaseId)
                .condition(),
        )
        .to_owned();
    Condition::all().add(column.in_subquery(trainees))
}

/// The star profiles `actor` may see, as a SQL condition.
pub fn visible(actor: &Actor) -> Condition {
    trainees_visible(actor, star_profile::Column::TraineeId)
}

/// The ids of visible star profiles, as a subquery, for conditions on tables that hang off a
/// star (accounts, livestreams).
fn visible_stars(actor: &Actor) -> SelectStatement {
    Query::select()
        .column(star_profile::Column::Id)
        .from(star_profile::Entity)
        .cond_where(visible(actor))
        .to_owned()
}
