//! API keys of partner systems: the secret, how a request's `X-Api-Key` becomes a PARTNER
//! caller, the per-key rate limit and the `lastUsedAt` bookkeeping.
//!
//! A secret carries 256 random bits, so a plain SHA-256 (not a slow password hash) is a
//! safe stored form and the lookup is one indexed read. The rate limit is a GCRA limiter per
//! key (`governor`), kept in memory: with several server processes each counts on its own.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::{Role, api_key};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rand::RngCore;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::{Actor, UserActor, refresh};
use crate::error::AppError;
use crate::service::now;

/// The request header that carries a key.
pub const HEADER: &str = "x-api-key";
/// Marks API keys so they are never mistaken for other tokens.
const MARK: &str = "qhk_";
/// Characters of the secret shown as its prefix (the mark and 8 more).
const PREFIX_LEN: usize = MARK.len() + 8;
/// `lastUsedAt` is written at most this often per key.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// A new key: the secret (shown once), its prefix and its stored hash.
pub struct NewSecret {
    pub secret: String,
    pub prefix: String,
    pub hash: String,
}

/// A new random secret.
pub fn generate() -> NewSecret {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = format!("{MARK}{}", URL_SAFE_NO_PAD.encode(bytes));
    NewSecret {
        prefix: secret[..PREFIX_LEN].to_owned(),
        hash: refresh::hash(&secret),
        secret,
    }
}

fn looks_valid(secret: &str) -> bool {
    secret.len() == MARK.len() + 43 && secret.starts_with(MARK)
}

/// Recognises keys, limits their rate and notes their use.
pub struct ApiKeys {
    limiter: DefaultKeyedRateLimiter<Uuid>,
    /// When each key's `lastUsedAt` was last written by this process.
    touched: Mutex<HashMap<Uuid, Instant>>,
}

impl ApiKeys {
    /// Allows `per_minute` requests per key per minute (as a burst, refilled evenly).
    pub fn new(per_minute: NonZeroU32) -> Self {
        ApiKeys {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
            touched: Mutex::new(HashMap::new()),
        }
    }

    /// The PARTNER a key acts for. `UNAUTHENTICATED` for an unknown or revoked key,
    /// `RATE_LIMITED` (with the seconds to wait) when the key's allowance is used up.
    /// The caller's `user_id` is the key's id: a key is not a person's account.
    pub async fn authenticate(
        &self,
        db: &impl ConnectionTrait,
        secret: &str,
    ) -> Result<Actor, AppError> {
        let secret = secret.trim();
        if !looks_valid(secret) {
            return Err(AppError::Unauthenticated);
        }
        let key = api_key::Entity::find()
            .filter(api_key::Column::SecretHash.eq(refresh::hash(secret)))
            .filter(api_key::Column::RevokedAt.is_null())
            .one(db)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        self.limiter.check_key(&key.id).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::RateLimited {
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })?;
        self.touch(db, key.id).await?;
        Ok(Actor::User(UserActor {
            user_id: key.id,
            role: Role::Partner,
            region_code: None,
            base_ids: Vec::new(),
            trainee_id: None,
            partner_id: Some(key.partner_id),
            session_id: None,
        }))
    }

    /// Writes `lastUsedAt` unless this process did so for the key within the last minute;
    /// the SQL condition keeps several processes from writing more often either.
    async fn touch(&self, db: &impl ConnectionTrait, key_id: Uuid) -> Result<(), AppError> {
        {
            let mut touched = self.touched.lock().unwrap_or_else(|p| p.into_inner());
            if touched
                .get(&key_id)
                .is_some_and(|at| at.elapsed() < TOUCH_EVERY)
            {
                return Ok(());
            }
            touched.insert(key_id, Instant::now());
        }
        let now = now();
        let since = now - chrono::Duration::from_std(TOUCH_EVERY).map_err(AppError::internal)?;
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
            .filter(api_key::Column::Id.eq(key_id))
            .filter(
                Condition::any()
                    .add(api_key::Column::LastUsedAt.is_null())
                    .add(Expr::col(api_key::Column::LastUsedAt).lt(since)),
            )
            .exec(db)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_with_a_visible_prefix() {
        let a = generate();
        let b = generate();
        assert_ne!(a.secret, b.secret);
        assert!(looks_valid(&a.secret));
        assert!(a.secret.starts_with(&a.prefix));
        assert_eq!(a.prefix.len(), 12);
        assert_eq!(a.hash, refresh::hash(&a.secret));
        assert!(!looks_valid("qhr_whatever"));
    }
}
