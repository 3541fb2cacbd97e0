//! The test harness: a fresh server per test on its own database (a SQLite file in a
//! temporary directory, or a PostgreSQL schema when `TEST_DATABASE_URL` is set), driven
//! through the real router: HTTP in, JSON out.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use qihang::config::Config;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tempfile::TempDir;
use tower::ServiceExt;

pub const ROOT_LOGIN: &str = "root";
pub const ROOT_PASSWORD: &str = "root-password-123";
/// Settings for tests that count statements. The DataLoader delay: HTTP requests no longer
/// wait for it (their loaders fetch when the request can add no more keys, see
/// `batching.rs`), so it only covers WebSocket operations, where a debug build on a loaded CI
/// machine needs far longer than the production default (1 ms) to register a few hundred
/// keys. The account state cache: an authenticated request reads its account's state once
/// per cache period; kept for the whole test, so only the query's own statements are counted.
pub const BATCHING_DELAY: [&str; 4] = [
    "--dataloader-delay-us",
    "400000",
    "--account-cache-ms",
    "600000",
];
/// Known signing secret, so tests can forge expired or tampered tokens.
pub const JWT_SECRET: &str = "test-jwt-secret-that-is-long-enough-000";

pub struct TestApp {
    pub app: qihang::App,
    /// Holds the data directory (SQLite file, secrets) until the test ends.
    _dir: TempDir,
    /// The configuration flags the server was built with.
    pub args: Vec<String>,
}

impl TestApp {
    /// A server with a nationwide ADMIN `root`.
    pub async fn new() -> Self {
        Self::with_args(&[]).await
    }

    /// A server with extra configuration flags.
    pub async fn with_args(extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().to_string_lossy().into_owned();
        let mut args: Vec<String> = [
            "qihang",
            "--env",
            "development",
            "--data-dir",
            &data_dir,
            "--jwt-secret",
            JWT_SECRET,
            "--admin-login",
            ROOT_LOGIN,
            "--admin-password",
            ROOT_PASSWORD,
            "--log-format",
            "text",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
            let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(&url)
                .await
                .expect("connect to TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
                .await
                .expect("create test schema");
            admin.close().await.expect("close");
            args.extend([
                "--database-url".to_owned(),
                url,
                "--database-schema".to_owned(),
                schema,
            ]);
        } else {
            args.extend([
                "--database-url".to_owned(),
                format!("sqlite://{}/qihang.db?mode=rwc", data_dir),
            ]);
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let config = Config::try_parse_from(&args).expect("test configuration");
        let app = qihang::build(config).await.expect("build app");
        TestApp {
            app,
            _dir: dir,
            args,
        }
    }

    /// A second server on the same database (same secrets, so tokens stay valid) with
    /// extra flags, e.g. a wider batching window for the query a test measures.
    pub async fn reopened(&self, extra: &[&str]) -> TestApp {
        let mut args = self.args.clone();
        args.extend(extra.iter().map(|s| s.to_string()));
        let config = Config::try_parse_from(&args).expect("test configuration");
        TestApp {
            app: qihang::build(config).await.expect("build app"),
            _dir: tempfile::tempdir().expect("temp dir"),
            args,
        }
    }

    /// A second server on the same database for counting statements ([`BATCHING_DELAY`]),
    /// with the accounts of `tokens` already checked once, as a running server has them
    /// cached.
    pub async fn counting(&self, tokens: &[&str]) -> TestApp {
        let measured = self.reopened(&BATCHING_DELAY).await;
        for token in tokens {
            measured.data("{ me { id } }", json!({}), Some(token)).await;
        }
        measured
    }

    /// SQL statements run so far.
    pub fn statements(&self) -> u64 {
        self.app.state.metrics.statements()
    }

    /// Sends a raw HTTP request through the router.
    pub async fn send(
        &self,
        request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let response = self
            .app
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        (status, headers, body)
    }

    /// POSTs a GraphQL request as JSON; returns status and parsed body.
    pub async fn post(&self, body: Value, token: Option<&str>) -> (StatusCode, Value) {
        let mut request =
            Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let (status, _, bytes) = self
            .send(request.body(Body::from(body.to_string())).expect("request"))
            .await;
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&bytes) }));
        (status, value)
    }

    /// Runs a GraphQL operation; expects HTTP 200.
    pub async fn gql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let (status, body) = self
            .post(json!({ "query": query, "variables": variables }), token)
            .await;
        assert_eq!(status, StatusCode::OK, "unexpected status, body: {body}");
        body
    }

    /// Runs a GraphQL operation and returns `data`, failing on any error.
    pub async fn data(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let body = self.gql(query, variables, token).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Signs in; returns the access and refresh tokens.
    pub async fn login(&self, login: &str, password: &str) -> (String, String) {
        let data = self
            .data(
                "mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken userErrors { code message } } }",
                json!({ "i": { "login": login, "password": password } }),
                None,
            )
            .await;
        let payload = &data["login"];
        assert_eq!(payload["userErrors"], json!([]), "login failed: {payload}");
        (
            payload["accessToken"]
                .as_str()
                .expect("access token")
                .to_owned(),
            payload["refreshToken"]
                .as_str()
                .expect("refresh token")
                .to_owned(),
        )
    }

    /// The nationwide bootstrap admin's access token.
    pub async fn root_token(&self) -> String {
        self.login(ROOT_LOGIN, ROOT_PASSWORD).await.0
    }

    /// Creates a user as `token`'s caller and signs them in; returns their access token and id.
    pub async fn user_with(&self, token: &str, input: Value) -> (String, String) {
        let login = input["login"].as_str().expect("login").to_owned();
        let password = input["password"].as_str().expect("password").to_owned();
        let data = self
            .data(
                "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } userErrors { field code message } } }",
                json!({ "i": input }),
                Some(token),
            )
            .await;
        assert_eq!(
            data["createUser"]["userErrors"],
            json!([]),
            "createUser failed: {data}"
        );
        let id = data["createUser"]["user"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        (self.login(&login, &password).await.0, id)
    }

    /// An ADMIN of `region_code`, created by root; returns its access token.
    pub async fn admin_of(&self, region_code: &str) -> String {
        let root = self.root_token().await;
        let login = format!("admin{region_code}");
        self.user_with(
            &root,
            json!({ "login": login, "password": "admin-password-123", "displayName": format!("管理员{region_code}"), "role": "ADMIN", "regionCode": region_code }),
        )
        .await
        .0
    }

    /// Creates a base in `region_code` as `token`'s caller; returns its id.
    pub async fn base_in(&self, token: &str, name: &str, region_code: &str) -> String {
        let data = self
            .data(
                "mutation($i: CreateBaseInput!) { createBase(input: $i) { base { id } userErrors { field code message } } }",
                json!({ "i": { "name": name, "regionCode": region_code } }),
                Some(token),
            )
            .await;
        assert_eq!(
            data["createBase"]["userErrors"],
            json!([]),
            "createBase failed: {data}"
        );
        data["createBase"]["base"]["id"]
            .as_str()
            .expect("base id")
            .to_owned()
    }

    /// A BASE_MANAGER of the given bases; returns their access token.
    pub async fn manager_of(&self, admin_token: &str, login: &str, base_ids: &[&str]) -> String {
        self.user_with(
            admin_token,
            json!({ "login": login, "password": "manager-password-123", "displayName": login, "role": "BASE_MANAGER", "baseIds": base_ids }),
        )
        .await
        .0
    }
}

/// The `extensions.code` of the first error.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<no code>")
}

/// A valid 18-character identity number: region, birth date (YYYYMMDD), 3-digit sequence
/// and the ISO 7064 MOD 11-2 check character.
pub fn id_number(region: &str, birth: &str, sequence: u32) -> String {
    let body = format!("{region}{birth}{sequence:03}");
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

impl TestApp {
    /// Sends a GraphQL multipart request (one file at `variables.input.file`).
    pub async fn upload(
        &self,
        token: &str,
        query: &str,
        input: Value,
        file_name: &str,
        content: &[u8],
    ) -> Value {
        let boundary = "qihang-test-boundary";
        let operations = json!({ "query": query, "variables": { "input": input } });
        let mut body = Vec::new();
        for (name, value) in [
            ("operations", operations.to_string()),
            ("map", json!({ "0": ["variables.input.file"] }).to_string()),
        ] {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
        }
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend(content);
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::post("/graphql")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("apollo-require-preflight", "true")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(body))
            .unwrap();
        let (status, _, bytes) = self.send(request).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        serde_json::from_slice(&bytes).unwrap()
    }
}

/// An ADMIN of `region`, as a service sees the caller (for tests that call services directly).
pub fn admin_actor(region: &str) -> qihang::auth::Actor {
    qihang::auth::Actor::User(qihang::auth::UserActor {
        user_id: uuid::Uuid::now_v7(),
        role: entity::Role::Admin,
        region_code: Some(region.to_owned()),
        base_ids: Vec::new(),
        trainee_id: None,
        partner_id: None,
        session_id: None,
    })
}
