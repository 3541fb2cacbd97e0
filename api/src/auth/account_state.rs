//! Whether an access token's account still admits it: the account is active and the token
//! was issued in the account's current token generation. Deactivating an account or
//! resetting its password raises the generation, so every earlier token stops at once.
//!
//! The check runs on every authenticated request. Reading the account each time would add
//! a statement to every request, so each process caches the state per user for a short
//! time (`QIHANG_ACCOUNT_CACHE_MS`, 2 s by default) and keeps it exact instead of waiting
//! for it to expire: a change made here drops the entry at once, and on PostgreSQL the
//! change is announced with `NOTIFY` inside its transaction, so every process listening drops
//! its entry as soon as the change commits. The time-to-live only bounds how stale a missed
//! notification (a listener reconnecting, or SQLite shared by several processes) can leave a
//! process.

use std::sync::Arc;
use std::time::Duration;

use entity::user;
use moka::future::Cache;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QuerySelect, Statement,
};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use crate::error::AppError;
use crate::notifications::{Notice, Notifications};

/// The PostgreSQL channel on which account changes are announced (payload: the user id).
pub const CHANNEL: &str = "qihang_account_changed";
/// Accounts cached at most; an entry is a few dozen bytes.
const CAPACITY: u64 = 100_000;

/// What decides whether an account's tokens are admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountState {
    pub active: bool,
    pub generation: i32,
}

impl From<&user::Model> for AccountState {
    fn from(user: &user::Model) -> Self {
        AccountState {
            active: user.active,
            generation: user.token_generation,
        }
    }
}

/// The per-process cache of account states.
pub struct AccountStates {
    db: DatabaseConnection,
    /// None when caching is off (TTL 0): every check reads the account.
    cache: Option<Cache<Uuid, Option<AccountState>>>,
}

impl AccountStates {
    /// States read from `db`, cached for `ttl`.
    pub fn new(db: DatabaseConnection, ttl: Duration) -> Self {
        let cache = (!ttl.is_zero()).then(|| {
            Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .build()
        });
        AccountStates { db, cache }
    }

    /// Whether a token of `user_id` issued in `generation` may be used now.
    pub async fn admits(&self, user_id: Uuid, generation: i32) -> Result<bool, AppError> {
        let state = match &self.cache {
            None => read(&self.db, user_id).await?,
            Some(cache) => cache
                .try_get_with(user_id, read(&self.db, user_id))
                .await
                .map_err(|err| AppError::internal(anyhow::anyhow!("{err}")))?,
        };
        Ok(state.is_some_and(|s| s.active && s.generation == generation))
    }

    /// Caches the state of an account just read (sign-in), saving the first request a read.
    pub async fn remember(&self, user: &user::Model) {
        if let Some(cache) = &self.cache {
            cache.insert(user.id, Some(AccountState::from(user))).await;
        }
    }

    /// Drops the cached state of an account whose state changed; call after the change
    /// committed.
    pub async fn forget(&self, user_id: Uuid) {
        if let Some(cache) = &self.cache {
            cache.invalidate(&user_id).await;
        }
    }

    fn forget_all(&self) {
        if let Some(cache) = &self.cache {
            cache.invalidate_all();
        }
    }

    /// On PostgreSQL (where the process has `notifications`), drops the entries of changes
    /// announced by any process (this one included) as they are heard; `notifications` must
    /// already listen on [`CHANNEL`], so a change committed after start-up is never missed.
    pub fn listen(self: &Arc<Self>, notifications: Option<&Notifications>) -> Result<(), AppError> {
        let (Some(notifications), Some(_)) = (notifications, &self.cache) else {
            return Ok(());
        };
        let mut notices = notifications.subscribe(CHANNEL).ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("nobody listens for account changes"))
        })?;
        let states = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                match notices.recv().await {
                    Ok(Notice::Payload(payload)) => {
                        if let Ok(user_id) = Uuid::parse_str(&payload) {
                            states.forget(user_id).await;
                        }
                    }
                    // Changes may have gone unheard: forget them all.
                    Ok(Notice::Missed) | Err(RecvError::Lagged(_)) => states.forget_all(),
                    Err(RecvError::Closed) => return,
                }
            }
        });
        Ok(())
    }
}

/// Tells every process that the state of `user_id` changed. Run it inside the transaction
/// that changes it: PostgreSQL delivers the notification when (and only if) it commits.
/// SQLite has no notifications; there the cache's time-to-live bounds staleness for other
/// processes.
pub async fn announce(db: &impl ConnectionTrait, user_id: Uuid) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), user_id.to_string().into()],
        ))
        .await?;
    }
    Ok(())
}

async fn read(db: &DatabaseConnection, user_id: Uuid) -> Result<Option<AccountState>, AppError> {
    let row = user::Entity::find_by_id(user_id)
        .select_only()
        .column(user::Column::Active)
        .column(user::Column::TokenGeneration)
        .into_tuple::<(bool, i32)>()
        .one(db)
        .await?;
    Ok(row.map(|(active, generation)| AccountState { active, generation }))
}
