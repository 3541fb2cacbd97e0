//! The figures livestream dashboards show, computed exactly from integer fen: GPM, conversion
//! rate and average order value, each `None` where it is undefined (no views, no orders).
//! Money converts to and from fen through `service::money`.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::service::money::from_fen;

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
        from_fen(sales_fen).checked_div(Decimal::from(orders))?,
    ))
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
}
