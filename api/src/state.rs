//! What every request shares: the database, keys, throttles, account states, metrics, regions and
//! configuration.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::account_state::AccountStates;
use crate::auth::address_limit::AddressLimiter;
use crate::auth::api_key::ApiKeys;
use crate::auth::throttle::LoginThrottle;
use crate::auth::token::TokenKeys;
use crate::config::Config;
use crate::crypto::FieldCipher;
use crate::events::EventBus;
use crate::service::catalog::media::MediaStore;
use crate::service::region::Regions;
use crate::service::trainee::import::ImportLimiter;
use crate::telemetry::Metrics;

/// Shared server state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// Connections for searched lists, planned for their values at every execution
    /// ([`crate::Planning::PerExecution`]); the same pool as `db` on SQLite.
    pub search_db: DatabaseConnection,
    pub config: Arc<Config>,
    pub keys: Arc<TokenKeys>,
    pub cipher: Arc<FieldCipher>,
    pub throttle: Arc<LoginThrottle>,
    pub accounts: Arc<AccountStates>,
    /// Imports per account per hour.
    pub import_limiter: Arc<ImportLimiter>,
    pub metrics: Arc<Metrics>,
    /// Certificate checks per client address.
    pub certificate_checks: Arc<AddressLimiter>,
    pub api_keys: Arc<ApiKeys>,
    /// Uploaded product images and their renditions.
    pub media: Arc<dyn MediaStore>,
    /// Live updates for subscriptions.
    pub events: EventBus,
    /// The region table, read once at start-up (it is fixed data).
    pub regions: Arc<Regions>,
}
