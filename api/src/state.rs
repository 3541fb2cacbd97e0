//! What every request shares: the database, keys, throttles, metrics, regions and
//! configuration.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::throttle::LoginThrottle;
use crate::auth::token::TokenKeys;
use crate::config::Config;
use crate::crypto::FieldCipher;
use crate::service::region::Regions;
use crate::telemetry::Metrics;

/// Shared server state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub keys: Arc<TokenKeys>,
    pub cipher: Arc<FieldCipher>,
    pub throttle: Arc<LoginThrottle>,
    pub metrics: Arc<Metrics>,
    /// The region table, read once at start-up (it is fixed data).
    pub regions: Arc<Regions>,
}
