//! Accounts: sign-in, token rotation, sign-out, token checks, throttling and createUser.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::support::{JWT_SECRET, ROOT_LOGIN, ROOT_PASSWORD, TestApp, error_code};

const LOGIN: &str = "mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken accessTokenExpiresAt user { login role } userErrors { field code message } } }";
const REFRESH: &str = "mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken refreshToken userErrors { code } } }";
const LOGOUT: &str = "mutation($t: String!) { logout(input: { refreshToken: $t }) }";
const ME: &str = "{ me { login role region { code } } }";
const CREATE_USER: &str = "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id login role region { code } bases { id } } userErrors { field code message } } }";

fn claims(overrides: Value) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "sub": uuid::Uuid::now_v7(), "exp": now + 600, "iat": now, "iss": "qihang", "aud": "qihang-api",
        "jti": uuid::Uuid::now_v7(), "role": "Admin"
    });
    for (k, v) in overrides.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

fn forge(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn login_gives_tokens_that_identify_the_user() {
    let app = TestApp::new().await;

    let data = app
        .data(
            LOGIN,
            json!({ "i": { "login": "ROOT", "password": ROOT_PASSWORD } }),
            None,
        )
        .await;
    let payload = &data["login"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(
        payload["user"],
        json!({ "login": ROOT_LOGIN, "role": "ADMIN" })
    );
    assert!(
        payload["accessTokenExpiresAt"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );

    let me = app
        .data(ME, json!({}), payload["accessToken"].as_str())
        .await;
    assert_eq!(
        me["me"],
        json!({ "login": ROOT_LOGIN, "role": "ADMIN", "region": null })
    );
    assert_eq!(
        app.data(ME, json!({}), None).await["me"],
        json!(null),
        "anonymous: me is null"
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_login_are_indistinguishable() {
    let app = TestApp::new().await;

    let wrong_password = app
        .gql(
            LOGIN,
            json!({ "i": { "login": ROOT_LOGIN, "password": "not-the-password" } }),
            None,
        )
        .await;
    let unknown_login = app
        .gql(
            LOGIN,
            json!({ "i": { "login": "nobody", "password": "not-the-password" } }),
            None,
        )
        .await;

    assert_eq!(wrong_password, unknown_login);
    let payload = &wrong_password["data"]["login"];
    assert_eq!(payload["accessToken"], json!(null));
    assert_eq!(payload["userErrors"][0]["code"], "INVALID");
}

#[tokio::test]
async fn repeated_failures_are_rate_limited_even_with_the_right_password() {
    let app = TestApp::with_args(&["--login-max-failures", "3"]).await;
    for _ in 0..3 {
        let body = app
            .gql(
                LOGIN,
                json!({ "i": { "login": ROOT_LOGIN, "password": "guess-guess-guess" } }),
                None,
            )
            .await;
        assert_eq!(body["data"]["login"]["userErrors"][0]["code"], "INVALID");
    }

    let body = app
        .gql(
            LOGIN,
            json!({ "i": { "login": ROOT_LOGIN, "password": ROOT_PASSWORD } }),
            None,
        )
        .await;

    assert_eq!(error_code(&body), "RATE_LIMITED");
    assert!(
        body["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap()
            > 0
    );
    let other = app
        .gql(
            LOGIN,
            json!({ "i": { "login": "someone-else", "password": "x" } }),
            None,
        )
        .await;
    assert!(
        other.get("errors").is_none(),
        "other logins are not locked: {other}"
    );
}

#[tokio::test]
async fn a_refresh_token_works_once_and_reuse_revokes_its_family() {
    let app = TestApp::new().await;
    let (_, first) = app.login(ROOT_LOGIN, ROOT_PASSWORD).await;

    let rotated = app.data(REFRESH, json!({ "t": first }), None).await;
    let second = rotated["refreshToken"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let access = rotated["refreshToken"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(second, first);
    assert_eq!(
        app.data(ME, json!({}), Some(&access)).await["me"]["login"],
        ROOT_LOGIN
    );

    let reuse = app.gql(REFRESH, json!({ "t": first }), None).await;
    assert_eq!(error_code(&reuse), "UNAUTHENTICATED");

    let after_reuse = app.gql(REFRESH, json!({ "t": second }), None).await;
    assert_eq!(
        error_code(&after_reuse),
        "UNAUTHENTICATED",
        "the replacement died with the family"
    );
}

#[tokio::test]
async fn logout_ends_the_session_and_other_sessions_survive() {
    let app = TestApp::new().await;
    let (_, phone) = app.login(ROOT_LOGIN, ROOT_PASSWORD).await;
    let (_, laptop) = app.login(ROOT_LOGIN, ROOT_PASSWORD).await;

    assert_eq!(
        app.data(LOGOUT, json!({ "t": phone }), None).await["logout"],
        json!(true)
    );
    assert_eq!(
        app.data(LOGOUT, json!({ "t": phone }), None).await["logout"],
        json!(false)
    );

    assert_eq!(
        error_code(&app.gql(REFRESH, json!({ "t": phone }), None).await),
        "UNAUTHENTICATED"
    );
    let still = app.data(REFRESH, json!({ "t": laptop }), None).await;
    assert!(still["refreshToken"]["accessToken"].is_string());
}

#[tokio::test]
async fn an_access_token_is_not_a_refresh_token() {
    let app = TestApp::new().await;
    let (access, _) = app.login(ROOT_LOGIN, ROOT_PASSWORD).await;

    let body = app.gql(REFRESH, json!({ "t": access }), None).await;

    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn bad_access_tokens_are_unauthenticated() {
    let app = TestApp::new().await;
    let (valid, _) = app.login(ROOT_LOGIN, ROOT_PASSWORD).await;
    let hour_ago = chrono::Utc::now().timestamp() - 3600;
    let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    payload["role"] = json!("Admin");
    payload["region"] = json!("210000");
    parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
    let tampered = parts.join(".");
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(json!({})).to_string())
    );

    let cases = [
        (
            "expired",
            forge(
                &claims(json!({ "exp": hour_ago, "iat": hour_ago - 900 })),
                JWT_SECRET,
            ),
        ),
        ("tampered", tampered),
        (
            "other secret",
            forge(&claims(json!({})), "another-secret-that-is-long-enough-000"),
        ),
        ("alg none", unsigned),
        (
            "wrong audience",
            forge(&claims(json!({ "aud": "someone-else" })), JWT_SECRET),
        ),
        (
            "wrong issuer",
            forge(&claims(json!({ "iss": "someone-else" })), JWT_SECRET),
        ),
        ("no exp", forge(&claims(json!({ "exp": null })), JWT_SECRET)),
        ("no sub", forge(&claims(json!({ "sub": null })), JWT_SECRET)),
        ("no iss", forge(&claims(json!({ "iss": null })), JWT_SECRET)),
        ("no aud", forge(&claims(json!({ "aud": null })), JWT_SECRET)),
        ("garbage", "not-a-token".to_owned()),
    ];
    for (case, token) in cases {
        let (status, body) = app
            .post(json!({ "query": ME, "variables": {} }), Some(&token))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{case}: {body}");
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{case}: {body}");
        assert_eq!(body.get("data"), None, "{case}: nothing ran: {body}");
    }
}

#[tokio::test]
async fn a_bad_token_fails_the_whole_request_on_get_post_and_batches() {
    let app = TestApp::new().await;
    let public = "{ regions { code } }";

    let (status, body) = app
        .post(json!({ "query": public }), Some("not-a-token"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(
        error_code(&body),
        "UNAUTHENTICATED",
        "even public fields fail: {body}"
    );

    let (status, body) = app
        .post(
            json!([{ "query": public }, { "query": ME }]),
            Some("not-a-token"),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "batch: {body}");
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "batch: {body}");

    let request = Request::get("/graphql?query=%7B%20regions%20%7B%20code%20%7D%20%7D")
        .header(header::AUTHORIZATION, "Bearer not-a-token")
        .body(Body::empty())
        .unwrap();
    let (status, headers, bytes) = app.send(request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "GET: {body}");
    assert!(
        headers[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Bearer"),
        "a 401 carries its challenge"
    );
    let basic = Request::get("/graphql?query=%7B%20regions%20%7B%20code%20%7D%20%7D")
        .header(header::AUTHORIZATION, "Basic cm9vdDpyb290")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        app.send(basic).await.0,
        StatusCode::UNAUTHORIZED,
        "other schemes"
    );

    let anonymous = app.data(public, json!({}), None).await;
    assert!(
        anonymous["regions"].as_array().unwrap().len() > 30,
        "no header: anonymous as before"
    );
}

#[tokio::test]
async fn a_city_admin_creates_users_only_inside_its_city() {
    let app = TestApp::new().await;
    let siping = app.admin_of("220300").await;

    let inside = app
        .data(
            CREATE_USER,
            json!({ "i": { "login": "tiexi-admin", "password": "tiexi-password-123", "displayName": "铁西区残联", "role": "ADMIN", "regionCode": "220302" } }),
            Some(&siping),
        )
        .await;
    assert_eq!(inside["createUser"]["userErrors"], json!([]));
    assert_eq!(inside["createUser"]["user"]["region"]["code"], "220302");

    let outside = app
        .gql(
            CREATE_USER,
            json!({ "i": { "login": "liaoning-admin", "password": "liaoning-password-123", "displayName": "辽宁省残联", "role": "ADMIN", "regionCode": "210000" } }),
            Some(&siping),
        )
        .await;
    assert_eq!(error_code(&outside), "FORBIDDEN");

    let nationwide = app
        .gql(
            CREATE_USER,
            json!({ "i": { "login": "national", "password": "national-password-123", "displayName": "中残联", "role": "ADMIN" } }),
            Some(&siping),
        )
        .await;
    assert_eq!(
        error_code(&nationwide),
        "FORBIDDEN",
        "a city admin cannot make a nationwide one"
    );

    let (tiexi, _) = app.login("tiexi-admin", "tiexi-password-123").await;
    let upward = app
        .gql(
            CREATE_USER,
            json!({ "i": { "login": "siping-2", "password": "siping-password-123", "displayName": "x", "role": "ADMIN", "regionCode": "220300" } }),
            Some(&tiexi),
        )
        .await;
    assert_eq!(
        error_code(&upward),
        "FORBIDDEN",
        "a county admin cannot create at city level"
    );
}

#[tokio::test]
async fn only_admins_create_users() {
    let app = TestApp::new().await;
    let siping = app.admin_of("220300").await;
    let base = app
        .base_in(&siping, "四平市残疾人网络创业孵化基地", "220302")
        .await;
    let manager = app.manager_of(&siping, "manager1", &[&base]).await;
    let input = json!({ "i": { "login": "someone", "password": "someone-password-123", "displayName": "x", "role": "ADMIN", "regionCode": "220302" } });

    assert_eq!(
        error_code(&app.gql(CREATE_USER, input.clone(), Some(&manager)).await),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(&app.gql(CREATE_USER, input, None).await),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn create_user_reports_every_problem_and_changes_nothing() {
    let app = TestApp::new().await;
    let root = app.root_token().await;

    let body = app
        .data(
            CREATE_USER,
            json!({ "i": { "login": "a b", "password": "short", "displayName": "  ", "role": "BASE_MANAGER", "regionCode": "999999", "baseIds": ["not-an-id"] } }),
            Some(&root),
        )
        .await;

    let errors = body["createUser"]["userErrors"].as_array().unwrap();
    let fields: Vec<String> = errors
        .iter()
        .map(|e| {
            e["field"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect();
    assert_eq!(body["createUser"]["user"], json!(null));
    assert_eq!(
        fields,
        vec!["input.baseIds.0"],
        "malformed ids are reported first: {errors:?}"
    );

    let body = app
        .data(
            CREATE_USER,
            json!({ "i": { "login": "a b", "password": "short", "displayName": "  ", "role": "BASE_MANAGER", "regionCode": "999999", "baseIds": [] } }),
            Some(&root),
        )
        .await;
    let codes: Vec<(String, String)> = body["createUser"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"][1].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("login", "INVALID"),
        ("password", "INVALID"),
        ("displayName", "REQUIRED"),
        ("regionCode", "NOT_FOUND"),
        ("baseIds", "REQUIRED"),
    ] {
        assert!(
            codes.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {codes:?}"
        );
    }
    let users = entity::user::Entity::find()
        .all(&app.app.state.db)
        .await
        .unwrap();
    assert_eq!(users.len(), 1, "only root exists");
}

#[tokio::test]
async fn logins_are_unique_regardless_of_case() {
    let app = TestApp::new().await;
    let root = app.root_token().await;
    let input = |login: &str| json!({ "i": { "login": login, "password": "zhang-password-123", "displayName": "张三", "role": "ADMIN", "regionCode": "220000" } });

    let first = app.data(CREATE_USER, input("zhangsan"), Some(&root)).await;
    assert_eq!(first["createUser"]["userErrors"], json!([]));
    let second = app.data(CREATE_USER, input("ZhangSan"), Some(&root)).await;

    assert_eq!(second["createUser"]["userErrors"][0]["code"], "DUPLICATE");
    assert_eq!(
        second["createUser"]["userErrors"][0]["field"],
        json!(["input", "login"])
    );
}

#[tokio::test]
async fn managers_are_created_for_bases_in_scope_only() {
    let app = TestApp::new().await;
    let root = app.root_token().await;
    let siping = app.admin_of("220300").await;
    let siping_base = app.base_in(&siping, "四平基地", "220302").await;
    let shenyang_base = app.base_in(&root, "沈阳基地", "210102").await;

    let data = app
        .data(
            CREATE_USER,
            json!({ "i": { "login": "mgr", "password": "manager-password-123", "displayName": "李经理", "role": "BASE_MANAGER", "baseIds": [siping_base] } }),
            Some(&siping),
        )
        .await;
    assert_eq!(
        data["createUser"]["user"]["bases"],
        json!([{ "id": siping_base }])
    );
    assert_eq!(data["createUser"]["user"]["role"], "BASE_MANAGER");

    let foreign = app
        .gql(
            CREATE_USER,
            json!({ "i": { "login": "mgr2", "password": "manager-password-123", "displayName": "王经理", "role": "BASE_MANAGER", "baseIds": [shenyang_base] } }),
            Some(&siping),
        )
        .await;
    assert_eq!(error_code(&foreign), "FORBIDDEN");
}

#[tokio::test]
async fn the_first_admin_is_created_only_on_an_empty_system() {
    let app = TestApp::new().await;
    let users = entity::user::Entity::find()
        .all(&app.app.state.db)
        .await
        .unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].login, ROOT_LOGIN);
    assert_eq!(users[0].region_code, None, "nationwide");
    assert!(
        users[0]
            .password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
    );

    // A restart with other bootstrap credentials creates nobody.
    let mut args = app.args.clone();
    let at = args.iter().position(|a| a == "--admin-login").unwrap();
    args[at + 1] = "intruder".to_owned();
    let restarted = qihang::build(qihang::config::Config::try_parse_from(&args).unwrap())
        .await
        .unwrap();
    let users = entity::user::Entity::find()
        .all(&restarted.state.db)
        .await
        .unwrap();
    assert_eq!(users.len(), 1, "no second bootstrap admin");

    let created = qihang::service::account::create_admin(
        &app.app.state.db,
        "second",
        "second-password-123",
        Some("220000".into()),
    )
    .await
    .unwrap();
    assert_eq!(created.region_code.as_deref(), Some("220000"));
}

use sea_orm::EntityTrait;

#[tokio::test]
async fn an_expired_refresh_token_is_refused() {
    let app = TestApp::with_args(&["--refresh-token-ttl", "0"]).await;
    let (_, refresh) = app.login(ROOT_LOGIN, ROOT_PASSWORD).await;

    let body = app.gql(REFRESH, json!({ "t": refresh }), None).await;

    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}
