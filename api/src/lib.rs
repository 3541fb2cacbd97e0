//! Qihang (启航): the GraphQL backend of an online entrepreneurship incubation network for
//! people with disabilities. `main.rs` is a thin shell over this library, and the black-box
//! tests build the same router through [`build`].

pub mod auth;
pub mod config;
pub mod crypto;
pub mod error;
pub mod graphql;
pub mod http;
pub mod service;
pub mod state;
pub mod telemetry;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::auth::throttle::LoginThrottle;
use crate::auth::token::TokenKeys;
use crate::config::Config;
use crate::crypto::FieldCipher;
use crate::state::AppState;
use crate::telemetry::Metrics;

/// A ready server: its router and shared state.
pub struct App {
    pub router: Router,
    pub state: AppState,
}

/// Connects to the configured database. SQLite gets WAL and foreign keys; every statement
/// is counted and timed into `metrics`, and logged at debug level under `qihang::sql`.
pub async fn connect(
    config: &Config,
    metrics: &Arc<Metrics>,
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
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
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

/// Builds the server from configuration: secrets, database, migrations, the first admin,
/// the region table, schema and router.
pub async fn build(config: Config) -> anyhow::Result<App> {
    let secrets = config.secrets()?;
    let metrics = Arc::new(Metrics::new());
    let db = connect(&config, &metrics).await?;
    if config.migrate {
        Migrator::up(&db, None)
            .await
            .context("applying migrations failed")?;
    }
    bootstrap_admin(&config, &db).await?;
    let regions = service::region::Regions::load(&db)
        .await
        .context("reading the region table failed")?;
    let state = AppState {
        db,
        keys: Arc::new(TokenKeys::new(
            &secrets.jwt_secret,
            config.access_token_ttl(),
        )),
        cipher: Arc::new(FieldCipher::new(&secrets.data_key)?),
        throttle: Arc::new(LoginThrottle::new(
            config.login_max_failures,
            Duration::from_secs(config.login_window_secs),
        )),
        metrics,
        regions: Arc::new(regions),
        config: Arc::new(config),
    };
    let schema = graphql::build_schema(&state.config, Some(state.clone()));
    Ok(App {
        router: http::router(state.clone(), schema),
        state,
    })
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
