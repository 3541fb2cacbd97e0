//! Logging set-up and the Prometheus metrics served at `/metrics`.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Starts logging to stderr; `RUST_LOG` overrides the default level (`info`).
pub fn init_logging(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests) is harmless, so its error is ignored.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Labels of the HTTP request metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub method: String,
    pub path: String,
    pub status: u16,
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    pub http_requests: Family<HttpLabels, Counter>,
    pub http_duration: Histogram,
    pub db_statement_duration: Histogram,
    /// SQL statements run since start; tests read it to prove batching.
    db_statements: Counter,
    /// Passwords checked against a stored hash (sign-in, password change): shows that the
    /// login limits stop guesses before the costly check.
    password_checks: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("qihang");
        let http_requests = Family::<HttpLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests served",
            http_requests.clone(),
        );
        let http_duration = Histogram::new(exponential_buckets(0.001, 2.0, 14));
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            http_duration.clone(),
        );
        let db_statement_duration = Histogram::new(exponential_buckets(0.0001, 2.0, 16));
        registry.register(
            "db_statement_duration_seconds",
            "Time to run one SQL statement",
            db_statement_duration.clone(),
        );
        let db_statements = Counter::default();
        registry.register("db_statements", "SQL statements run", db_statements.clone());
        let password_checks = Counter::default();
        registry.register(
            "password_checks",
            "Passwords checked against a stored hash",
            password_checks.clone(),
        );
        Metrics {
            registry,
            http_requests,
            http_duration,
            db_statement_duration,
            db_statements,
            password_checks,
        }
    }

    /// Records one password check.
    pub fn record_password_check(&self) {
        self.password_checks.inc();
    }

    /// Passwords checked so far.
    pub fn password_checks(&self) -> u64 {
        self.password_checks.get()
    }

    /// Records one SQL statement.
    pub fn record_statement(&self, seconds: f64) {
        self.db_statements.inc();
        self.db_statement_duration.observe(seconds);
    }

    /// SQL statements run so far.
    pub fn statements(&self) -> u64 {
        self.db_statements.get()
    }

    /// The metrics in Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
