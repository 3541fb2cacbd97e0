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
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sea_orm::{ColumnTrait, Condition};

use crate::auth::Actor;
use crate::service::scope::{Grants, Scope};

/// Highest price accepted, in fen (one hundred million yuan).
const MAX_PRICE_FEN: i64 = 10_000_000_000;

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

/// A price in yuan as fen: None when it has more than 2 decimals, is negative or too big.
pub fn to_fen(price: Decimal) -> Option<i64> {
    let fen = price.checked_mul(Decimal::ONE_HUNDRED)?;
    if !fen.fract().is_zero() || fen.is_sign_negative() {
        return None;
    }
    fen.to_i64().filter(|f| *f <= MAX_PRICE_FEN)
}

/// Fen as a price in yuan with exactly 2 decimals ("12.50").
pub fn from_fen(fen: i64) -> Decimal {
    Decimal::new(fen, 2)
}

/// A price bound of a filter in fen: the lowest price at or above `price` (`ceil`) or the
/// highest at or below it.
pub fn bound_fen(price: Decimal, ceil: bool) -> i64 {
    let fen = price.saturating_mul(Decimal::ONE_HUNDRED);
    let whole = if ceil { fen.ceil() } else { fen.floor() };
    whole.to_i64().unwrap_or(if whole.is_sign_negative() {
        i64::MIN
    } else {
        i64::MAX
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_exact_fen() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(to_fen(d("12.50")), Some(1250));
        assert_eq!(to_fen(d("12.500")), Some(1250));
        assert_eq!(to_fen(d("0.1")), Some(10));
        assert_eq!(to_fen(d("0.001")), None);
        assert_eq!(to_fen(d("-1")), None);
        assert_eq!(to_fen(d("100000001")), None);
        assert_eq!(from_fen(1250).to_string(), "12.50");
        assert_eq!(from_fen(5).to_string(), "0.05");
        assert_eq!(bound_fen(d("12.345"), true), 1235);
        assert_eq!(bound_fen(d("12.345"), false), 1234);
    }
}
