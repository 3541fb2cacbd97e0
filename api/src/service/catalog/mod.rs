//! The catalog of disabled producers' products, the partners who source from it with their
//! API keys, and their sourcing inquiries.
//!
//! Who sees a product is decided in SQL by [`visible`]: everyone the PUBLISHED ones; staff
//! also the other products in their scope ([`managed`]): an ADMIN those of bases in its
//! region, a BASE_MANAGER those of its bases, a TRAINEE its own. Only those may change them.

pub mod export;
pub mod image;
pub mod inquiry;
pub mod media;
pub mod partner;
pub mod producer;
pub mod product;
pub mod query;

use entity::ProductStatus;
use entity::product as row;
use sea_orm::{ColumnTrait, Condition};

use crate::auth::Actor;
use crate::service::scope::{Grants, Scope};

fn staff_grants(actor: &Actor) -> Grants<'_> {
    Scope::of(actor)
        .grants()
        .staff(row::Column::BaseId)
        .trainee(|me| row::Column::TraineeId.eq(me))
}

/// The products `actor` manages (may see in every status and change), as a SQL condition.
pub fn managed(actor: &Actor) -> Condition {
    staff_grants(actor).condition()
}

/// The products `actor` may see: PUBLISHED ones and those it manages. With `withdrawn`
/// (a sync by `updatedSince`) also archived products that were once published, so that a
/// partner's copy of the catalog can drop them.
pub fn visible(actor: &Actor, withdrawn: bool) -> Condition {
    let mut public = Condition::any().add(row::Column::Status.eq(ProductStatus::Published));
    if withdrawn {
        public = public.add(
            Condition::all()
                .add(row::Column::Status.eq(ProductStatus::Archived))
                .add(row::Column::PublishedAt.is_not_null()),
        );
    }
    staff_grants(actor).everyone(public).condition()
}
