//! Growth series for charts: per week or month, the followers at the end of the period, the
//! streams, views, orders and sales in it. One grouped statement serves every star of a
//! request, periods without activity included.
//!
//! Followers come from snapshot deltas: each snapshot minus the account's previous one
//! (`LAG`). The sum of the deltas before a moment is the sum of every account's newest count
//! at that moment, so a running total over the periods gives the follower series while the
//! statement only sums, like it does for streams and sales.

use std::collections::HashMap;

use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime, Utc};
use entity::{follower_snapshot, livestream, platform_account};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement, UnionType, WindowStatement,
};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use uuid::Uuid;

use crate::error::AppError;

/// Most periods one series may have: two years of weeks, ten years of months.
pub const MAX_PERIODS: usize = 120;

/// Length of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    /// Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
}

/// One period of a series: the days it covers (both included, China time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The periods covering `from` to `to` (both included): calendar weeks (Monday first) or
/// months, the first and last cut at `from` and `to`.
pub fn periods(
    from: NaiveDate,
    to: NaiveDate,
    interval: Interval,
) -> Result<Vec<Period>, AppError> {
    if from > to {
        return Err(AppError::BadUserInput(
            "`from` must not be after `to`".to_owned(),
        ));
    }
    let too_long = || {
        AppError::BadUserInput(format!(
            "a series has at most {MAX_PERIODS} periods: shorten the range or use a longer interval"
        ))
    };
    let mut periods = Vec::new();
    let mut start = from;
    while start <= to {
        if periods.len() == MAX_PERIODS {
            return Err(too_long());
        }
        let next = match interval {
            Interval::Week => start.checked_add_days(Days::new(
                7 - u64::from(start.weekday().num_days_from_monday()),
            )),
            Interval::Month => start
                .with_day(1)
                .and_then(|first| first.checked_add_months(Months::new(1))),
        }
        .ok_or_else(too_long)?;
        let end = Ord::min(next.pred_opt().ok_or_else(too_long)?, to);
        periods.push(Period { start, end });
        start = next;
    }
    Ok(periods)
}

/// The figures of one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    pub period: Period,
    /// Sum of the accounts' newest counts at the end of the period.
    pub followers: i64,
    pub streams: i64,
    pub views: i64,
    pub orders: i64,
    pub sales_fen: i64,
}

/// Midnight China time (UTC+8) at the start of `date`, in UTC.
fn china_midnight(date: NaiveDate) -> chrono::DateTime<Utc> {
    date.and_time(NaiveTime::MIN).and_utc() - chrono::Duration::hours(8)
}

#[derive(FromQueryResult)]
struct Row {
    star_id: Uuid,
    bucket: i32,
    streams: i64,
    views: i64,
    orders: i64,
    sales: i64,
    delta: i64,
}

/// An integer literal: bucket numbers and constants are part of the statement's text, not
/// parameters, so PostgreSQL knows their type in every branch of the union.
fn int(value: i64) -> Expr {
    Expr::cust(value.to_string())
}

fn sum(column: &str) -> Expr {
    Expr::expr(Func::sum(Expr::col(Alias::new(column)))).cast_as(Alias::new("BIGINT"))
}

/// The statement: streams in the range and every snapshot up to its end as "events" with a
/// time, numbered by period (-1 before the range) and summed per star and period.
fn statement(star_ids: &[Uuid], periods: &[Period]) -> Option<SelectStatement> {
    let first = periods.first()?;
    let last = periods.last()?;
    let from = china_midnight(first.start);
    let until = china_midnight(last.end.succ_opt()?);
    let ids = || star_ids.iter().copied();

    let mut streams = Query::select();
    streams
        .expr_as(Expr::col(livestream::Column::StarId), Alias::new("star_id"))
        .expr_as(Expr::col(livestream::Column::StartedAt), Alias::new("at"))
        .expr_as(int(1), Alias::new("stream"))
        .expr_as(Expr::col(livestream::Column::Views), Alias::new("views"))
        .expr_as(Expr::col(livestream::Column::Orders), Alias::new("orders"))
        .expr_as(Expr::col(livestream::Column::SalesFen), Alias::new("sales"))
        .expr_as(
            int(0).cast_as(Alias::new("BIGINT")),
            Alias::new("followers"),
        )
        .expr_as(int(0).cast_as(Alias::new("BIGINT")), Alias::new("previous"))
        .from(livestream::Entity)
        .and_where(Expr::col(livestream::Column::StarId).is_in(ids()))
        .and_where(Expr::col(livestream::Column::StartedAt).gte(from))
        .and_where(Expr::col(livestream::Column::StartedAt).lt(until));

    let snapshot = |c: follower_snapshot::Column| Expr::col((follower_snapshot::Entity, c));
    let mut snapshots = Query::select();
    snapshots
        .expr_as(
            Expr::col((platform_account::Entity, platform_account::Column::StarId)),
            Alias::new("star_id"),
        )
        .expr_as(
            snapshot(follower_snapshot::Column::RecordedAt),
            Alias::new("at"),
        )
        .expr_as(int(0), Alias::new("stream"))
        .expr_as(int(0), Alias::new("views"))
        .expr_as(int(0), Alias::new("orders"))
        .expr_as(int(0).cast_as(Alias::new("BIGINT")), Alias::new("sales"))
        .expr_as(
            snapshot(follower_snapshot::Column::Followers),
            Alias::new("followers"),
        )
        .expr_window_as(
            Func::cust(Alias::new("LAG")).args([
                snapshot(follower_snapshot::Column::Followers),
                int(1),
                int(0).cast_as(Alias::new("BIGINT")),
            ]),
            WindowStatement::partition_by((
                follower_snapshot::Entity,
                follower_snapshot::Column::AccountId,
            ))
            .order_by(
                (
                    follower_snapshot::Entity,
                    follower_snapshot::Column::RecordedAt,
                ),
                Order::Asc,
            )
            .order_by(
                (follower_snapshot::Entity, follower_snapshot::Column::Id),
                Order::Asc,
            )
            .to_owned(),
            Alias::new("previous"),
        )
        .from(follower_snapshot::Entity)
        .inner_join(
            platform_account::Entity,
            Expr::col((platform_account::Entity, platform_account::Column::Id)).equals((
                follower_snapshot::Entity,
                follower_snapshot::Column::AccountId,
            )),
        )
        .and_where(
            Expr::col((platform_account::Entity, platform_account::Column::StarId)).is_in(ids()),
        )
        .and_where(snapshot(follower_snapshot::Column::RecordedAt).lt(until));

    streams.union(UnionType::All, snapshots.to_owned());

    let at = || Expr::col(Alias::new("at"));
    let mut bucket = Expr::case(at().lt(from), int(-1));
    for (number, period) in periods.iter().enumerate().skip(1) {
        bucket = bucket.case(
            at().lt(china_midnight(period.start)),
            int(number as i64 - 1),
        );
    }
    let bucket = bucket.finally(int(periods.len() as i64 - 1));

    Some(
        Query::select()
            .column(Alias::new("star_id"))
            .expr_as(bucket, Alias::new("bucket"))
            .expr_as(sum("stream"), Alias::new("streams"))
            .expr_as(sum("views"), Alias::new("views"))
            .expr_as(sum("orders"), Alias::new("orders"))
            .expr_as(sum("sales"), Alias::new("sales"))
            .expr_as(
                Expr::expr(Func::sum(
                    Expr::col(Alias::new("followers")).sub(Expr::col(Alias::new("previous"))),
                ))
                .cast_as(Alias::new("BIGINT")),
                Alias::new("delta"),
            )
            .from_subquery(streams.to_owned(), Alias::new("events"))
            .group_by_col(Alias::new("star_id"))
            .group_by_col(Alias::new("bucket"))
            .to_owned(),
    )
}

/// The series of each star over `periods`, in one statement. The caller has already seen the
/// stars.
pub async fn series(
    db: &impl ConnectionTrait,
    star_ids: &[Uuid],
    periods: &[Period],
) -> Result<HashMap<Uuid, Vec<Point>>, DbErr> {
    let Some(statement) = statement(star_ids, periods) else {
        return Ok(HashMap::new());
    };
    let rows = Row::find_by_statement(db.get_database_backend().build(&statement))
        .all(db)
        .await?;
    let empty = || {
        periods
            .iter()
            .map(|period| Point {
                period: *period,
                followers: 0,
                streams: 0,
                views: 0,
                orders: 0,
                sales_fen: 0,
            })
            .collect::<Vec<_>>()
    };
    let mut series: HashMap<Uuid, Vec<Point>> = star_ids.iter().map(|id| (*id, empty())).collect();
    let mut before: HashMap<Uuid, i64> = HashMap::new();
    for row in rows {
        let Some(points) = series.get_mut(&row.star_id) else {
            continue;
        };
        match usize::try_from(row.bucket)
            .ok()
            .and_then(|b| points.get_mut(b))
        {
            Some(point) => {
                point.streams += row.streams;
                point.views += row.views;
                point.orders += row.orders;
                point.sales_fen += row.sales;
                // The period's change for now; made a running total below.
                point.followers += row.delta;
            }
            None => *before.entry(row.star_id).or_default() += row.delta,
        }
    }
    for (star_id, points) in &mut series {
        let mut followers = before.get(star_id).copied().unwrap_or(0);
        for point in points.iter_mut() {
            followers += point.followers;
            point.followers = followers;
        }
    }
    Ok(series)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_are_cut_at_the_range() {
        // 2026-03-04 is a Wednesday.
        let weeks = periods(d("2026-03-04"), d("2026-03-17"), Interval::Week).unwrap();
        let spans: Vec<_> = weeks
            .iter()
            .map(|p| (p.start.to_string(), p.end.to_string()))
            .collect();
        assert_eq!(
            spans,
            [
                ("2026-03-04".to_owned(), "2026-03-08".to_owned()),
                ("2026-03-09".to_owned(), "2026-03-15".to_owned()),
                ("2026-03-16".to_owned(), "2026-03-17".to_owned()),
            ]
        );
    }

    #[test]
    fn months_are_calendar_months() {
        let months = periods(d("2026-01-15"), d("2026-03-01"), Interval::Month).unwrap();
        let starts: Vec<_> = months
            .iter()
            .map(|p| (p.start.to_string(), p.end.to_string()))
            .collect();
        assert_eq!(
            starts,
            [
                ("2026-01-15".to_owned(), "2026-01-31".to_owned()),
                ("2026-02-01".to_owned(), "2026-02-28".to_owned()),
                ("2026-03-01".to_owned(), "2026-03-01".to_owned()),
            ]
        );
    }

    #[test]
    fn ranges_are_checked() {
        assert!(periods(d("2026-02-01"), d("2026-01-01"), Interval::Week).is_err());
        assert!(periods(d("2000-01-01"), d("2026-01-01"), Interval::Week).is_err());
        assert_eq!(
            periods(d("2026-01-01"), d("2026-01-01"), Interval::Month)
                .unwrap()
                .len(),
            1
        );
    }
}
