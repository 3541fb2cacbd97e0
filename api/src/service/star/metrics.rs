//! The figures livestream dashboards show, computed exactly from integer fen: GPM, conversion
//! rate and average order value, each `None` where it is undefined (no views, no orders).

use rust_decimal::{Decimal, RoundingStrategy};

/// Money as the API shows it: yuan with exactly 2 decimals.
pub fn yuan(fen: i64) -> Decimal {
    Decimal::new(fen, 2)
}

/// Rounds to fen, half away from zero, and always shows 2 decimals.
fn to_fen_scale(value: Decimal) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

/// GPM: sales per thousand views, in yuan with 2 decimals; None without views.
pub fn gpm(sales_fen: i64, views: i32) -> Option<Decimal> {
    if views <= 0 {
        return None;
    }
    // sales_yuan × 1000 / views = sales_fen × 10 / views
    let value = Decimal::from(sales_fen).checked_mul(Decimal::TEN)?;
    Some(to_fen_scale(value.checked_div(Decimal::from(views))?))
}

/// Orders per view; None without views.
pub fn conversion_rate(orders: i32, views: i32) -> Option<f64> {
    (views > 0).then(|| f64::from(orders) / f64::from(views))
}

/// Sales per order, in yuan with 2 decimals; None without orders.
pub fn average_order_value(sales_fen: i64, orders: i32) -> Option<Decimal> {
    if orders <= 0 {
        return None;
    }
    Some(to_fen_scale(
        yuan(sales_fen).checked_div(Decimal::from(orders))?,
    ))
}

/// Largest sales figure of one livestream, in yuan: far above any real stream, and small
/// enough that sums over millions of streams fit in 64-bit fen.
pub const MAX_SALES_YUAN: i64 = 10_000_000_000;

/// An amount in yuan as fen, if it is non-negative, has at most 2 decimals and is at most
/// `max_yuan`.
pub fn fen(amount: Decimal, max_yuan: i64) -> Option<i64> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return None;
    }
    if amount.normalize().scale() > 2 || amount > Decimal::from(max_yuan) {
        return None;
    }
    let fen = amount.checked_mul(Decimal::ONE_HUNDRED)?.trunc();
    i64::try_from(fen).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_exact_and_rounded_to_fen() {
        // 1234.56 yuan from 789 views and 37 orders.
        assert_eq!(gpm(123_456, 789).unwrap().to_string(), "1564.71");
        assert_eq!(
            average_order_value(123_456, 37).unwrap().to_string(),
            "33.37"
        );
        assert_eq!(conversion_rate(37, 789), Some(37.0 / 789.0));
        assert_eq!(gpm(100_000, 1000).unwrap().to_string(), "1000.00");
        // Half a fen rounds away from zero: 0.005 yuan per thousand views.
        assert_eq!(gpm(1, 2000).unwrap().to_string(), "0.01");
    }

    #[test]
    fn undefined_figures_are_none() {
        assert_eq!(gpm(500, 0), None);
        assert_eq!(conversion_rate(3, 0), None);
        assert_eq!(average_order_value(500, 0), None);
        assert_eq!(gpm(0, 10).unwrap().to_string(), "0.00");
    }

    #[test]
    fn amounts_become_fen_only_when_they_are_money() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(fen(d("12.50"), MAX_SALES_YUAN), Some(1250));
        assert_eq!(fen(d("12.500"), MAX_SALES_YUAN), Some(1250));
        assert_eq!(fen(d("0"), MAX_SALES_YUAN), Some(0));
        assert_eq!(fen(d("0.001"), MAX_SALES_YUAN), None);
        assert_eq!(fen(d("-1"), MAX_SALES_YUAN), None);
        assert_eq!(fen(d("10000000000.01"), MAX_SALES_YUAN), None);
        assert_eq!(yuan(1250).to_string(), "12.50");
    }
}
