//! Money as exact decimals of yuan on the API and whole fen (分) in the database.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::service::{Problems, UserErrorCode};

/// Fen of a non-negative yuan amount with at most two decimals; records a problem otherwise.
pub fn to_fen(problems: &mut Problems, field: &str, yuan: Decimal) -> Option<i64> {
    let fen = yuan.checked_mul(Decimal::ONE_HUNDRED);
    match fen {
        Some(fen) if yuan.is_sign_negative() && !fen.is_zero() => {
            problems.add(field, UserErrorCode::Invalid, "金额不能为负数");
            None
        }
        Some(fen) if !fen.fract().is_zero() => {
            problems.add(field, UserErrorCode::Invalid, "金额最多保留两位小数");
            None
        }
        Some(fen) => fen.to_i64().or_else(|| {
            problems.add(field, UserErrorCode::Invalid, "金额过大");
            None
        }),
        None => {
            problems.add(field, UserErrorCode::Invalid, "金额过大");
            None
        }
    }
}
