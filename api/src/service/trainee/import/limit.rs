//! The per-account rate limit on imports. A dry run tells whether identity numbers are
//! registered anywhere in the network, so the number of files one account may check is
//! bounded. Kept in memory: with several server processes each counts on its own.

use std::num::NonZeroU32;

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

use crate::error::AppError;

/// Accounts remembered before idle ones are forgotten, bounding memory.
const RETAIN_ABOVE: usize = 10_000;

/// Imports per account per hour, as a GCRA bucket: the whole allowance may be used at
/// once, then one more import is allowed every hour / allowance.
pub struct ImportLimiter {
    limiter: DefaultKeyedRateLimiter<Uuid>,
}

impl ImportLimiter {
    /// Allows `per_hour` imports per account per hour.
    pub fn per_hour(per_hour: NonZeroU32) -> Self {
        ImportLimiter {
            limiter: RateLimiter::keyed(Quota::per_hour(per_hour)),
        }
    }

    /// Counts one import by `user`; `RATE_LIMITED` with the seconds to wait when its
    /// allowance is used up.
    pub fn check(&self, user: Uuid) -> Result<(), AppError> {
        if self.limiter.len() > RETAIN_ABOVE {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&user).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.limiter.clock().now());
            AppError::RateLimited {
                retry_after_secs: wait.as_secs().saturating_add(1),
            }
        })
    }
}

impl std::fmt::Debug for ImportLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportLimiter")
            .field("accounts", &self.limiter.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowance_is_per_account() {
        let limiter = ImportLimiter::per_hour(NonZeroU32::new(2).unwrap());
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        match limiter.check(a) {
            Err(AppError::RateLimited { retry_after_secs }) => {
                assert!((1..=1801).contains(&retry_after_secs), "{retry_after_secs}");
            }
            other => panic!("expected RATE_LIMITED, got {other:?}"),
        }
        assert!(
            limiter.check(b).is_ok(),
            "another account has its own allowance"
        );
    }
}
