//! Limits on login attempts, so passwords cannot be guessed online.
//!
//! - Per login name, in the database (`login_throttle`), so the lock-out holds when several
//!   server processes share it. An attempt is *reserved* with one atomic upsert before the
//!   password is checked: concurrent guesses each take a slot, and those beyond the limit are
//!   refused without a password check. A successful login clears the count.
//! - Per client address, in memory with `governor` (a GCRA limiter per address): one client
//!   cannot walk through many login names.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::num::NonZeroU32;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::login_throttle;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::service::now;

/// Both login limits.
pub struct LoginThrottle {
    max_attempts: u32,
    window: Duration,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginThrottle {
    /// Allows `max_attempts` attempts per login name per `window`, and `per_address_per_minute`
    /// attempts per client address.
    pub fn new(max_attempts: u32, window: Duration, per_address_per_minute: NonZeroU32) -> Self {
        LoginThrottle {
            max_attempts,
            window,
            per_address: RateLimiter::keyed(Quota::per_minute(per_address_per_minute)),
        }
    }

    /// Takes one attempt from the client's allowance; `RATE_LIMITED` when it is used up.
    /// An unknown address (only an in-process router without a socket has none) counts as
    /// one shared client.
    pub fn check_address(&self, address: Option<IpAddr>) -> Result<(), AppError> {
        let key = address.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), network_of);
        self.per_address.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::RateLimited {
                retry_after_secs: whole_seconds(wait),
            }
        })
    }

    /// Reserves an attempt for `login` (normalised) before its password is checked;
    /// `RATE_LIMITED` when the window's attempts are used up. Atomic on both databases: an
    /// upsert that starts a new window when the old one has passed and counts up otherwise.
    pub async fn reserve(&self, db: &impl ConnectionTrait, login: &str) -> Result<(), AppError> {
        let now = now();
        let window = chrono::Duration::from_std(self.window).map_err(AppError::internal)?;
        let passed = Expr::col((
            login_throttle::Entity,
            login_throttle::Column::WindowStartedAt,
        ))
        .lte(now - window);
        let row = login_throttle::Entity::insert(login_throttle::ActiveModel {
            login_hash: Set(login_hash(login)),
            window_started_at: Set(now),
            attempts: Set(1),
        })
        .on_conflict(
            OnConflict::column(login_throttle::Column::LoginHash)
                .value(
                    login_throttle::Column::Attempts,
                    Expr::case(passed.clone(), 1).finally(
                        Expr::col((login_throttle::Entity, login_throttle::Column::Attempts))
                            .add(1),
                    ),
                )
                .value(
                    login_throttle::Column::WindowStartedAt,
                    Expr::case(passed, now).finally(Expr::col((
                        login_throttle::Entity,
                        login_throttle::Column::WindowStartedAt,
                    ))),
                )
                .to_owned(),
        )
        .exec_with_returning(db)
        .await?;
        if u32::try_from(row.attempts).unwrap_or(u32::MAX) <= self.max_attempts {
            return Ok(());
        }
        Err(AppError::RateLimited {
            retry_after_secs: self.retry_after(row.window_started_at, now),
        })
    }

    /// Clears the attempts of `login` (normalised) after a successful login or a reset.
    pub async fn clear(&self, db: &impl ConnectionTrait, login: &str) -> Result<(), DbErr> {
        login_throttle::Entity::delete_many()
            .filter(login_throttle::Column::LoginHash.eq(login_hash(login)))
            .exec(db)
            .await?;
        Ok(())
    }

    /// Deletes counters whose window has passed and forgets idle client addresses.
    pub async fn purge(&self, db: &impl ConnectionTrait) -> Result<u64, AppError> {
        self.per_address.retain_recent();
        let window = chrono::Duration::from_std(self.window).map_err(AppError::internal)?;
        let deleted = login_throttle::Entity::delete_many()
            .filter(login_throttle::Column::WindowStartedAt.lte(now() - window))
            .exec(db)
            .await?;
        Ok(deleted.rows_affected)
    }

    /// Seconds until the window ends. At most the window: a concurrent attempt that took
    /// its time a moment later may have started the window.
    fn retry_after(&self, window_started_at: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
        let ends = window_started_at + chrono::Duration::from_std(self.window).unwrap_or_default();
        let left = (ends - now).to_std().unwrap_or_default();
        whole_seconds(left.min(self.window))
    }
}

/// Seconds to wait, rounded up, at least 1.
fn whole_seconds(wait: Duration) -> u64 {
    std::cmp::max(wait.as_secs() + u64::from(wait.subsec_nanos() > 0), 1)
}

/// The stored key of a login name: people type passwords into the login field, so the name
/// itself is not kept.
fn login_hash(login: &str) -> String {
    Sha256::digest(login.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The unit one client controls: an IPv4 address, or an IPv6 /64 network (a host is usually
/// given a whole /64, so counting single addresses would not limit it).
fn network_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_count_per_client_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(network_of(a), network_of(b));
        assert_ne!(network_of(a), network_of(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(network_of(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn the_address_limit_refuses_with_a_wait() {
        let throttle = LoginThrottle::new(5, Duration::from_secs(60), NonZeroU32::MIN);
        let client = Some("192.0.2.1".parse().unwrap());
        assert!(throttle.check_address(client).is_ok());
        match throttle.check_address(client) {
            Err(AppError::RateLimited { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs))
            }
            other => panic!("expected RATE_LIMITED, got {other:?}"),
        }
        assert!(
            throttle
                .check_address(Some("192.0.2.2".parse().unwrap()))
                .is_ok()
        );
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(whole_seconds(Duration::from_secs(3)), 3);
    }
}
