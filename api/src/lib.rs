//! Qihang (启航): the GraphQL backend of an online entrepreneurship incubation network for
//! people with disabilities. `main.rs` is a thin shell over this library, and the black-box
//! tests build the same router through [`build`].

pub mod auth;
pub mod config;
pub mod crypto;
pub mod demo;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod notifications;
pub mod service;
pub mod state;
pub mod telemetry;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};

use crate::auth::account_state::{self, AccountStates};
use crate::auth::address_limit::AddressLimiter;
use crate::auth::api_key::ApiKeys;
use crate::auth::throttle::LoginThrottle;
use crate::auth::token::TokenKeys;
use crate::config::Config;
use crate::crypto::FieldCipher;
use crate::notifications::Notifications;
use crate::service::catalog::media::LocalDir;
use crate::service::trainee::import::ImportLimiter;
use crate::state::AppState;
use crate::telemetry::Metrics;

/// A ready server: its router and shared state.
pub struct App {
    pub router: Router,
    pub state: AppState,
}

/// How PostgreSQL plans the prepared statements of a pool's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planning {
    /// PostgreSQL's default: a statement is planned with its values for its first five
    /// executions, then keeps a generic plan when that plan is estimated to cost no more.
    /// Planning took a seventh of PostgreSQL's time in the load benchmark's nested lists.
    Cached,
    /// Planned with its values at every execution (`plan_cache_mode=force_custom_plan`), for
    /// statements whose best plan depends on a value: a generic plan cannot see a search term,
    /// and for a common term it pages by publication date past thousands of rows instead of
    /// reading the search index (bench/README.md).
    PerExecution,
}

/// Connects to the configured database with [`Planning::Cached`]. SQLite gets WAL and
/// foreign keys; every statement is counted and timed into `metrics`, and logged at debug
/// level under `qihang::sql`.
pub async fn connect(
    config: &Config,
    metrics: &Arc<Metrics>,
) -> anyhow::Result<DatabaseConnection> {
    connect_planned(config, metrics, Planning::Cached).await
}

/// [`connect`] with the given planning (which only PostgreSQL has).
pub async fn connect_planned(
    config: &Config,
    metrics: &Arc<Metrics>,
    planning: Planning,
) -> anyhow::Result<DatabaseConnection> {
    let url = config.database_url();
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or_default();
        if let Some(dir) = std::path::Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
    }
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(if url.starts_with("sqlite:") { 8 } else { 16 })
        .connect_timeout(Duration::from_secs(10))
        // sqlx pings a connection when it goes back to the pool; pinging it again when taken
        // out cost every statement a second round trip (and PostgreSQL a wake-up). Only a
        // connection idle long enough to have been dropped by the server is pinged first.
        .test_before_acquire_if_idle_for(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    if planning == Planning::PerExecution {
        // Only searches use these; a server nobody searches opens none.
        options
            .connect_lazy(true)
            .map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
    }
    if let Some(schema) = &config.database_schema {
        options.set_schema_search_path(schema.clone());
    }
    let mut db = Database::connect(options)
        .await
        .with_context(|| "cannot connect to the database (check DATABASE_URL)")?;
    let metrics = metrics.clone();
    db.set_metric_callback(move |info| {
        metrics.record_statement(info.elapsed.as_secs_f64());
        // `RUST_LOG=qihang::sql=debug` shows every statement with its values inlined (the load
        // benchmark replays them with pgbench); off by default, as values hold personal data.
        tracing::debug!(target: "qihang::sql", statement = %info.statement, elapsed_us = info.elapsed.as_micros() as u64, "sql");
    });
    Ok(db)
}

/// Builds the server from configuration: secrets, database, migrations, the upgrade of
/// personal data sealed the old way, the first admin, the region table, schema and router.
pub async fn build(config: Config) -> anyhow::Result<App> {
    config.check()?;
    let secrets = config.secrets()?;
    let metrics = Arc::new(Metrics::new());
    let db = connect(&config, &metrics).await?;
    let search_db = if db.get_database_backend() == DbBackend::Postgres {
        connect_planned(&config, &metrics, Planning::PerExecution).await?
    } else {
        db.clone()
    };
    if config.migrate {
        Migrator::up(&db, None)
            .await
            .context("applying migrations failed")?;
    }
    let cipher = FieldCipher::new(&secrets.data_key)?;
    upgrade_sealing(&db, &cipher).await?;
    bootstrap_admin(&config, &db).await?;
    let schema = config.database_schema.as_deref();
    let notifications = if db.get_database_backend() == DbBackend::Postgres {
        let events_channel = events::channel_name(schema);
        let channels = [events_channel.as_str(), account_state::CHANNEL];
        let listening = Notifications::start(db.get_postgres_connection_pool(), &channels)
            .await
            .context("cannot listen for notifications on the database")?;
        Some(Arc::new(listening))
    } else {
        None
    };
    let accounts = Arc::new(AccountStates::new(db.clone(), config.account_cache_ttl()));
    accounts
        .listen(notifications.as_deref())
        .context("cannot listen for account changes")?;
    let events = events::EventBus::start(&db, schema, notifications)
        .context("cannot listen for events on the database")?;
    let regions = service::region::Regions::load(&db)
        .await
        .context("reading the region table failed")?;
    let state = AppState {
        events,
        db,
        search_db,
        keys: Arc::new(TokenKeys::new(
            &secrets.jwt_secret,
            config.access_token_ttl(),
        )),
        cipher: Arc::new(cipher),
        throttle: Arc::new(LoginThrottle::new(
            config.login_max_failures,
            config.login_window(),
            config.login_per_address,
        )),
        accounts,
        import_limiter: Arc::new(ImportLimiter::per_hour(config.imports_per_hour)),
        api_keys: Arc::new(ApiKeys::new(config.api_key_per_minute)),
        media: Arc::new(LocalDir::new(config.media_dir())),
        metrics,
        certificate_checks: Arc::new(AddressLimiter::per_minute(
            config.certificate_checks_per_minute,
        )),
        regions: Arc::new(regions),
        config: Arc::new(config),
    };
    spawn_purge(&state);
    let schema = graphql::build_schema(&state.config, Some(state.clone()));
    Ok(App {
        router: http::router(state.clone(), schema),
        state,
    })
}

/// Re-encrypts trainee rows still sealed the old way (see `service::trainee::upgrade_sealing`).
/// Rows that do not decrypt are logged and left; when none of the rows tried could be read,
/// the key is wrong, and serving would only add rows no one can read with the right one.
async fn upgrade_sealing(db: &DatabaseConnection, cipher: &FieldCipher) -> anyhow::Result<()> {
    let report = service::trainee::upgrade_sealing(db, cipher)
        .await
        .context("upgrading the encryption of personal data failed")?;
    if report.failed > 0 && report.upgraded == 0 {
        anyhow::bail!(
            "none of {} trainee rows to upgrade decrypts: is QIHANG_DATA_KEY the key they were written with?",
            report.failed
        );
    }
    if report.failed > 0 {
        tracing::warn!(
            upgraded = report.upgraded,
            failed = report.failed,
            "some trainee rows could not be upgraded and stay unreadable; see the errors above"
        );
    } else if report.upgraded > 0 {
        tracing::info!(
            upgraded = report.upgraded,
            "upgraded the encryption of trainee personal data"
        );
    }
    Ok(())
}

/// Every `QIHANG_PURGE_INTERVAL` seconds, deletes expired refresh tokens and stale login
/// counters. Every process may run it: the deletes are idempotent. The first run is one
/// interval after start-up.
fn spawn_purge(state: &AppState) {
    let period = Duration::from_secs(state.config.purge_interval_secs);
    if period.is_zero() {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match service::account::purge_expired(&state.db, &state.throttle).await {
                Ok(purged) if purged > 0 => tracing::info!(purged, "purged expired sign-in data"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "purging expired sign-in data failed"),
            }
        }
    });
}

/// Creates the nationwide ADMIN from `QIHANG_ADMIN_LOGIN`/`QIHANG_ADMIN_PASSWORD` when no
/// account exists yet.
async fn bootstrap_admin(config: &Config, db: &DatabaseConnection) -> anyhow::Result<()> {
    let (Some(login), Some(password)) = (&config.admin_login, &config.admin_password) else {
        return Ok(());
    };
    if service::account::any_exists(db).await? {
        return Ok(());
    }
    service::account::create_admin(db, login, password, None)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot create the first administrator: {}",
                error::AppError::from(e)
            )
        })?;
    tracing::info!(%login, "created the first administrator");
    Ok(())
}
