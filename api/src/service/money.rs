//! Money: exact decimals of yuan on the API, whole fen (分) in the database. Prices, sales,
//! support amounts and incomes all convert here, so "12.5", "12.50" and "12.500" are one
//! amount everywhere and no amount is rounded on the way in.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::service::{Problems, UserErrorCode};

/// The most any amount may be: one hundred million yuan (一亿元), in fen.
pub const MAX_FEN: i64 = 10_000_000_000;

/// Fen of a non-negative amount of yuan with at most two decimals, at most [`MAX_FEN`];
/// records a problem on `field` otherwise. "-0" is 0.
pub fn to_fen(problems: &mut Problems, field: &str, yuan: Decimal) -> Option<i64> {
    let problem = match yuan.checked_mul(Decimal::ONE_HUNDRED) {
        Some(fen) if fen.is_sign_negative() && !fen.is_zero() => "金额不能为负数",
        Some(fen) if !fen.fract().is_zero() => "金额最多保留两位小数",
        Some(fen) => match fen.abs().to_i64().filter(|fen| *fen <= MAX_FEN) {
            Some(fen) => return Some(fen),
            None => "金额不能超过一亿元",
        },
        None => "金额不能超过一亿元",
    };
    problems.add(field, UserErrorCode::Invalid, problem);
    None
}

/// Fen as yuan with exactly 2 decimals ("12.50").
pub fn from_fen(fen: i64) -> Decimal {
    Decimal::new(fen, 2)
}

/// A bound of an amount filter in fen: the lowest amount at or above `yuan` (`ceil`) or the
/// highest at or below it. Any decimal is a valid bound, so nothing is refused.
pub fn bound_fen(yuan: Decimal, ceil: bool) -> i64 {
    let fen = yuan.saturating_mul(Decimal::ONE_HUNDRED);
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

    fn fen(yuan: &str) -> Result<i64, Vec<String>> {
        let mut problems = Problems::default();
        to_fen(&mut problems, "amount", yuan.parse().unwrap()).ok_or_else(|| {
            let errors = problems.into_errors();
            errors.into_iter().map(|error| error.message).collect()
        })
    }

    #[test]
    fn amounts_are_exact_fen() {
        assert_eq!(fen("12.50"), Ok(1250));
        assert_eq!(fen("12.500"), Ok(1250));
        assert_eq!(fen("0.1"), Ok(10));
        assert_eq!(fen("-0.00"), Ok(0));
        assert_eq!(fen("100000000"), Ok(MAX_FEN));
        for refused in [
            "0.001",
            "-1",
            "-0.01",
            "100000000.01",
            "79228162514264337593543950335",
        ] {
            assert!(fen(refused).is_err(), "{refused}");
        }
        assert_eq!(from_fen(1250).to_string(), "12.50");
        assert_eq!(from_fen(5).to_string(), "0.05");
    }

    #[test]
    fn filter_bounds_round_outwards_and_saturate() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(bound_fen(d("12.345"), true), 1235);
        assert_eq!(bound_fen(d("12.345"), false), 1234);
        assert_eq!(bound_fen(Decimal::MAX, true), i64::MAX);
        assert_eq!(bound_fen(Decimal::MIN, false), i64::MIN);
    }
}
