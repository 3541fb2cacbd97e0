//! Configuration: one clap struct, every option also read from an environment variable.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::{Args, Parser, ValueEnum};
use rand::RngCore;

/// Where the server runs: development makes its own secrets, production insists on real ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    /// Local work: secrets are generated once and kept in the data directory.
    Development,
    /// Real deployments: `QIHANG_JWT_SECRET` and `QIHANG_DATA_KEY` are required.
    Production,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Every setting of the server. Each flag has an environment variable of the same meaning.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address and port the HTTP server listens on.
    #[arg(long, env = "QIHANG_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Database URL: `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    /// Default: the SQLite file `qihang.db` in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// PostgreSQL schema to work in (its `search_path`), e.g. to host several instances in
    /// one database. Default: the server's default (`public`).
    #[arg(long, env = "QIHANG_DATABASE_SCHEMA")]
    pub database_schema: Option<String>,

    /// Directory for the default SQLite database and the development secrets.
    #[arg(long, env = "QIHANG_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// `development` (the default) or `production`. Unset, the server is in development and
    /// listens on loopback addresses only (see [`Config::check`]).
    #[arg(long = "env", env = "QIHANG_ENV", value_enum)]
    pub environment: Option<Environment>,

    /// Secret for signing access tokens (HS256), at least 32 bytes.
    #[arg(long, env = "QIHANG_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Key for encrypting personal data: 32 bytes, base64 or 64 hex characters.
    #[arg(long, env = "QIHANG_DATA_KEY", hide_env_values = true)]
    pub data_key: Option<String>,

    /// Origins allowed to call the API from a browser, comma-separated; `*` allows any.
    #[arg(
        long,
        env = "QIHANG_CORS_ORIGINS",
        value_delimiter = ',',
        default_value = "*"
    )]
    pub cors_origins: Vec<String>,

    /// Largest multipart request (a GraphQL upload) in bytes.
    #[arg(long, env = "QIHANG_MAX_BODY_BYTES", default_value_t = 12 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Largest JSON request body, GET query string and WebSocket message in bytes.
    #[arg(long, env = "QIHANG_MAX_JSON_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_json_body_bytes: usize,

    /// Deepest allowed nesting of a query (introspection has its own limit).
    #[arg(long, env = "QIHANG_MAX_QUERY_DEPTH", default_value_t = 12)]
    pub max_query_depth: usize,

    /// Deepest allowed nesting inside `__schema` and `__type`. The standard introspection
    /// query of graphql-js needs 15.
    #[arg(long, env = "QIHANG_MAX_INTROSPECTION_DEPTH", default_value_t = 20)]
    pub max_introspection_depth: usize,

    /// Most aliased fields in one operation (fragments counted where they are used).
    #[arg(long, env = "QIHANG_MAX_ALIASES", default_value_t = 50)]
    pub max_aliases: usize,

    /// Most fields selected at the top of one operation.
    #[arg(long, env = "QIHANG_MAX_ROOT_FIELDS", default_value_t = 20)]
    pub max_root_fields: usize,

    /// Highest allowed query complexity; list fields cost their `first` times their children.
    #[arg(long, env = "QIHANG_MAX_QUERY_COMPLEXITY", default_value_t = 20_000)]
    pub max_query_complexity: usize,

    /// Most operations in one batched request (a JSON array body); 1 turns batching off.
    #[arg(long, env = "QIHANG_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,

    /// Serve schema introspection (default: on in development, off in production).
    #[arg(long, env = "QIHANG_INTROSPECTION")]
    pub introspection: Option<bool>,

    /// Serve GraphiQL at `/` and `/graphiql` (default: on in development, off in production).
    #[arg(long, env = "QIHANG_GRAPHIQL")]
    pub graphiql: Option<bool>,

    /// `text` or `json`.
    #[arg(long, env = "QIHANG_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Apply pending migrations at start-up.
    #[arg(long, env = "QIHANG_MIGRATE", default_value_t = true, action = clap::ArgAction::Set)]
    pub migrate: bool,

    /// Login of the first administrator, created at start-up when no user exists.
    #[arg(long, env = "QIHANG_ADMIN_LOGIN")]
    pub admin_login: Option<String>,

    /// Password of the first administrator.
    #[arg(long, env = "QIHANG_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Lifetime of access tokens in seconds.
    #[arg(
        long = "access-token-ttl",
        env = "QIHANG_ACCESS_TOKEN_TTL",
        default_value_t = 900
    )]
    pub access_token_ttl_secs: u64,

    /// Longest a login session lasts, in seconds: its refresh tokens expire this long after
    /// the login, however often they are rotated.
    #[arg(long = "refresh-token-ttl", env = "QIHANG_REFRESH_TOKEN_TTL", default_value_t = 30 * 24 * 3600)]
    pub refresh_token_ttl_secs: u64,

    /// Login attempts allowed for one login name within the lock-out window. Each attempt is
    /// counted in the database before the password is checked, so the limit holds for
    /// concurrent attempts and across server processes; a successful login resets it.
    #[arg(long, env = "QIHANG_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u32,

    /// Lock-out window for failed logins, in seconds.
    #[arg(
        long = "login-window",
        env = "QIHANG_LOGIN_WINDOW",
        default_value_t = 900
    )]
    pub login_window_secs: u64,

    /// Login attempts allowed from one client address per minute, whatever the login name
    /// (kept in memory, per process). IPv6 addresses count per /64 network.
    #[arg(long, env = "QIHANG_LOGIN_PER_ADDRESS", default_value = "60")]
    pub login_per_address: NonZeroU32,

    /// Take the client address from the last `X-Forwarded-For` entry instead of the TCP
    /// peer. Turn on only behind exactly one reverse proxy that appends that header;
    /// otherwise clients could pick their own address.
    #[arg(long, env = "QIHANG_TRUST_FORWARDED_FOR", default_value_t = false, action = clap::ArgAction::Set)]
    pub trust_forwarded_for: bool,

    /// How long a process caches whether a signed-in user is still active, in milliseconds.
    /// Changes made by this process take effect at once and, on PostgreSQL, other processes
    /// are told at once (LISTEN/NOTIFY); the cache only bounds how stale a missed message can
    /// leave them. 0 reads the account on every request.
    #[arg(long, env = "QIHANG_ACCOUNT_CACHE_MS", default_value_t = 2000)]
    pub account_cache_ms: u64,

    /// Seconds between purges of expired refresh tokens and stale login counters; 0 turns
    /// the purge off.
    #[arg(
        long = "purge-interval",
        env = "QIHANG_PURGE_INTERVAL",
        default_value_t = 600
    )]
    pub purge_interval_secs: u64,

    /// How long a DataLoader of a WebSocket operation waits to gather keys, in microseconds.
    /// Loaders of HTTP requests wait for no clock: they fetch as soon as the request can add
    /// no more keys (graphql/common/batching.rs). Measured (bench/README.md): 1 ms batches
    /// reliably in debug and release builds.
    #[arg(long, env = "QIHANG_DATALOADER_DELAY_US", default_value_t = 1000)]
    pub dataloader_delay_us: u64,

    /// Trainee imports (dry runs included) one account may run per hour; the allowance
    /// refills evenly over the hour. Bounds how many identity numbers one account can test
    /// against the network.
    #[arg(long, env = "QIHANG_IMPORTS_PER_HOUR", default_value = "30")]
    pub imports_per_hour: NonZeroU32,
    /// Certificate checks (`verifyCertificate`) allowed per client address and minute, so
    /// certificate numbers cannot be guessed in bulk.
    #[arg(
        long,
        env = "QIHANG_CERTIFICATE_CHECKS_PER_MINUTE",
        default_value_t = 20,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub certificate_checks_per_minute: u32,
    /// Requests allowed per partner API key per minute (a burst of this size, refilled
    /// evenly); beyond it a request is refused with `RATE_LIMITED` and a retry hint.
    #[arg(long, env = "QIHANG_API_KEY_PER_MINUTE", default_value = "600")]
    pub api_key_per_minute: NonZeroU32,

    /// Directory of uploaded product images and their renditions. Default: `media` in the
    /// data directory.
    #[arg(long, env = "QIHANG_MEDIA_DIR")]
    pub media_dir: Option<PathBuf>,

    /// Largest product image upload in bytes.
    #[arg(long, env = "QIHANG_MAX_IMAGE_BYTES", default_value_t = 5 * 1024 * 1024)]
    pub max_image_bytes: usize,

    /// Most pixels (width × height) an uploaded image may have; larger ones are refused
    /// before decoding (a small file can claim huge dimensions: a decompression bomb).
    #[arg(long, env = "QIHANG_MAX_IMAGE_PIXELS", default_value_t = 40_000_000)]
    pub max_image_pixels: u64,
}

/// The secrets the server runs with, after configuration and development defaults.
#[derive(Clone)]
pub struct Secrets {
    /// HS256 signing key for access tokens.
    pub jwt_secret: Vec<u8>,
    /// Master key for personal data encryption.
    pub data_key: [u8; 32],
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets { .. }")
    }
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "QIHANG_ENV=production needs {0}: set it to a strong random value (e.g. `openssl rand -base64 32`)"
    )]
    MissingSecret(&'static str),
    #[error("{0} is too weak or malformed: {1}")]
    BadSecret(&'static str, &'static str),
    #[error(
        "development mode listens on loopback addresses only, not {0}: set QIHANG_ENV=production (with its secrets) to serve other machines, or QIHANG_ENV=development to expose a development server on purpose"
    )]
    PublicDevelopment(SocketAddr),
    #[error("cannot keep development secrets in {path}: {source}")]
    SecretFile {
        path: String,
        source: std::io::Error,
    },
}

/// Parses only the server configuration (no subcommand), for embedding and tests.
#[derive(Debug, Parser)]
struct ConfigOnly {
    #[command(flatten)]
    config: Config,
}

impl Config {
    /// Configuration from command-line style arguments (the first is the program name);
    /// unset options fall back to their environment variables, then to defaults.
    pub fn try_parse_from<I, T>(args: I) -> Result<Config, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        ConfigOnly::try_parse_from(args).map(|c| c.config)
    }

    /// The database URL to use: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("qihang.db").display()
            ),
        }
    }

    /// The environment in force: development unless set.
    pub fn environment(&self) -> Environment {
        self.environment.unwrap_or(Environment::Development)
    }

    /// Refuses settings that cannot be meant: development mode (which makes its own secrets
    /// and opens GraphiQL and introspection) reachable from other machines because nobody
    /// chose an environment. Setting `QIHANG_ENV` explicitly, to either value, allows it.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.environment.is_none() && !self.listen.ip().is_loopback() {
            return Err(ConfigError::PublicDevelopment(self.listen));
        }
        Ok(())
    }

    /// Whether introspection is served.
    pub fn introspection_enabled(&self) -> bool {
        self.introspection
            .unwrap_or(self.environment() == Environment::Development)
    }

    /// Whether GraphiQL is served.
    pub fn graphiql_enabled(&self) -> bool {
        self.graphiql
            .unwrap_or(self.environment() == Environment::Development)
    }

    /// Access token lifetime.
    pub fn access_token_ttl(&self) -> Duration {
        Duration::from_secs(self.access_token_ttl_secs)
    }

    /// How long a WebSocket operation's DataLoader gathers keys before running its batch.
    pub fn dataloader_delay(&self) -> Duration {
        Duration::from_micros(self.dataloader_delay_us)
    }

    /// Refresh token lifetime: the longest a login session lasts.
    pub fn refresh_token_ttl(&self) -> Duration {
        Duration::from_secs(self.refresh_token_ttl_secs)
    }

    /// Lock-out window for failed logins.
    pub fn login_window(&self) -> Duration {
        Duration::from_secs(self.login_window_secs)
    }

    /// How long account states are cached.
    pub fn account_cache_ttl(&self) -> Duration {
        Duration::from_millis(self.account_cache_ms)
    }

    /// Where product images are stored.
    pub fn media_dir(&self) -> PathBuf {
        self.media_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("media"))
    }

    /// Resolves the secrets: given ones are validated; in development missing ones are
    /// generated once and kept (owner-only) in the data directory so restarts keep tokens
    /// valid and encrypted data readable; in production missing ones are an error.
    pub fn secrets(&self) -> Result<Secrets, ConfigError> {
        let production = self.environment() == Environment::Production;
        let jwt_secret = match &self.jwt_secret {
            Some(secret) if secret.len() >= 32 => secret.as_bytes().to_vec(),
            Some(_) => {
                return Err(ConfigError::BadSecret(
                    "QIHANG_JWT_SECRET",
                    "it must be at least 32 bytes",
                ));
            }
            None if production => return Err(ConfigError::MissingSecret("QIHANG_JWT_SECRET")),
            None => self.development_secret("jwt_secret")?.to_vec(),
        };
        let data_key = match &self.data_key {
            Some(key) => parse_data_key(key)?,
            None if production => return Err(ConfigError::MissingSecret("QIHANG_DATA_KEY")),
            None => self.development_secret("data_key")?,
        };
        Ok(Secrets {
            jwt_secret,
            data_key,
        })
    }

    fn development_secret(&self, name: &str) -> Result<[u8; 32], ConfigError> {
        let path = self.data_dir.join("secrets").join(name);
        let error = |source| ConfigError::SecretFile {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => parse_data_key(text.trim())
                .map_err(|_| error(std::io::ErrorKind::InvalidData.into())),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut key);
                write_owner_only(&path, &STANDARD.encode(key)).map_err(error)?;
                Ok(key)
            }
            Err(err) => Err(error(err)),
        }
    }
}

/// Accepts 32 bytes as base64 (standard or URL-safe, padded or not) or as 64 hex characters.
pub fn parse_data_key(text: &str) -> Result<[u8; 32], ConfigError> {
    let text = text.trim();
    let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
        (0..32)
            .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .ok()
    } else {
        use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(text).ok())
    };
    bytes
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or(ConfigError::BadSecret(
            "QIHANG_DATA_KEY",
            "it must be 32 bytes, as base64 or 64 hex characters",
        ))
}

fn write_owner_only(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}
