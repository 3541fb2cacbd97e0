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

use crate::auth::{Actor, RegionScope, UserActor};
use crate::error::AppError;
use entity::{Role, base, star_profile, trainee};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, DbErr, SqlErr};
use uuid::Uuid;

/// The staff allowed to record star data: an ADMIN or a BASE_MANAGER.
fn staff(actor: &Actor) -> Result<&UserActor, AppError> {
    let user = actor.user()?;
    match user.role {
        Role::Admin | Role::BaseManager => Ok(user),
        _ => Err(AppError::Forbidden),
    }
}

/// Whether the caller may read star data at all: ADMINs, BASE_MANAGERs and TRAINEEs (their
/// own); `FORBIDDEN` for other roles, `UNAUTHENTICATED` without credentials.
pub fn may_read(actor: &Actor) -> Result<(), AppError> {
    match actor.user()?.role {
        Role::Admin | Role::BaseManager | Role::Trainee => Ok(()),
        Role::Instructor | Role::Partner => Err(AppError::Forbidden),
    }
}

/// A quick check, without the database, whether the caller might see the stars of a base in
/// `region_code`: false means certainly not; true still needs the scoped read.
pub fn might_see(actor: &Actor, base_id: Uuid, region_code: &str) -> bool {
    match actor {
        Actor::User(user) => match user.role {
            Role::Admin => RegionScope::of(user.region_code.as_deref()).contains(region_code),
            Role::BaseManager => user.base_ids.contains(&base_id),
            Role::Trainee => user.trainee_id.is_some(),
            Role::Instructor | Role::Partner => false,
        },
        Actor::Anonymous => false,
    }
}

/// A condition no row meets.
fn nothing(column: impl ColumnTrait) -> Condition {
    Condition::all()
        .add(column.is_null())
        .add(column.is_not_null())
}

/// Ids of the bases in a region scope, as a subquery; None for the whole country.
fn bases_in(scope: &RegionScope) -> Option<SelectStatement> {
    scope.code_range().map(|(low, high)| {
        Query::select()
            .column(base::Column::Id)
            .from(base::Entity)
            .and_where(base::Column::RegionCode.between(low, high))
            .to_owned()
    })
}

/// The trainees whose star data `actor` may see, as a condition on a trainee id `column`:
/// an ADMIN those of bases in its region, a BASE_MANAGER those of its bases, a TRAINEE
/// itself; instructors, partners and anonymous callers none.
fn trainees_visible(actor: &Actor, column: impl ColumnTrait) -> Condition {
    let Actor::User(user) = actor else {
        return nothing(column);
    };
    let of_bases = |bases: SelectStatement| {
        Condition::all().add(
            column.in_subquery(
                Query::select()
                    .column(trainee::Column::Id)
                    .from(trainee::Entity)
                    .and_where(trainee::Column::BaseId.in_subquery(bases))
                    .to_owned(),
            ),
        )
    };
    match user.role {
        Role::Admin => match bases_in(&RegionScope::of(user.region_code.as_deref())) {
            None => Condition::all(),
            Some(bases) => of_bases(bases),
        },
        Role::BaseManager => Condition::all().add(
            column.in_subquery(
                Query::select()
                    .column(trainee::Column::Id)
                    .from(trainee::Entity)
                    .and_where(trainee::Column::BaseId.is_in(user.base_ids.iter().copied()))
                    .to_owned(),
            ),
        ),
        Role::Trainee => match user.trainee_id {
            Some(id) => Condition::all().add(column.eq(id)),
            None => nothing(column),
        },
        Role::Instructor | Role::Partner => nothing(column),
    }
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

fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}
