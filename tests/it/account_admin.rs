//! Stopping accounts and changing passwords: deactivateUser, reactivateUser,
//! changePassword and resetPassword, and what they do to tokens at once.

use std::future::IntoFuture;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use futures_util::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::sessions::{closed_by_server, signed_in_socket};
use crate::support::{TestApp, error_code, id_number};

const DEACTIVATE: &str = "mutation($id: ID!) { deactivateUser(input: { userId: $id }) { user { id active } userErrors { field code message } } }";
const REACTIVATE: &str = "mutation($id: ID!) { reactivateUser(input: { userId: $id }) { user { id active } userErrors { field code message } } }";
const RESET: &str = "mutation($id: ID!, $p: String!) { resetPassword(input: { userId: $id, newPassword: $p }) { user { id } userErrors { field code message } } }";
const CHANGE: &str = "mutation($c: String!, $n: String!) { changePassword(input: { currentPassword: $c, newPassword: $n }) { user { login } userErrors { field code message } } }";
const LOGIN: &str = "mutation($l: String!, $p: String!) { login(input: { login: $l, password: $p }) { accessToken userErrors { field code message } } }";
const REFRESH: &str =
    "mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken } }";
const ME: &str = "{ me { login active } }";
const MANAGER_PASSWORD: &str = "manager-password-123";

/// A city ADMIN of Siping, a base there and its manager.
struct Siping {
    app: TestApp,
    admin: String,
    manager_id: String,
    manager_access: String,
    manager_refresh: String,
}

async fn siping_with(app: TestApp) -> Siping {
    let admin = app.admin_of("220300").await;
    let base = app.base_in(&admin, "四平基地", "220302").await;
    let (_, manager_id) = app
        .user_with(
            &admin,
            json!({ "login": "manager", "password": MANAGER_PASSWORD, "displayName": "李经理", "role": "BASE_MANAGER", "baseIds": [base] }),
        )
        .await;
    let (manager_access, manager_refresh) = app.login("manager", MANAGER_PASSWORD).await;
    Siping {
        app,
        admin,
        manager_id,
        manager_access,
        manager_refresh,
    }
}

async fn siping() -> Siping {
    siping_with(TestApp::new().await).await
}

/// A request with `token`: its status and body.
async fn as_user(app: &TestApp, query: &str, token: &str) -> (StatusCode, Value) {
    app.post(json!({ "query": query }), Some(token)).await
}

fn user_errors(data: &Value, mutation: &str) -> Vec<(String, String)> {
    data[mutation]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_array().map_or(String::new(), |f| {
                    f.iter()
                        .map(|p| p.as_str().unwrap())
                        .collect::<Vec<_>>()
                        .join(".")
                }),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_deactivated_user_is_stopped_at_once_and_can_be_restarted() {
    let s = siping().await;
    let app = &s.app;
    let (status, me) = as_user(app, ME, &s.manager_access).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        me["data"]["me"],
        json!({ "login": "manager", "active": true })
    );

    let data = app
        .data(DEACTIVATE, json!({ "id": s.manager_id }), Some(&s.admin))
        .await;
    assert_eq!(
        data["deactivateUser"],
        json!({ "user": { "id": s.manager_id, "active": false }, "userErrors": [] })
    );

    let (status, body) = as_user(app, ME, &s.manager_access).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the access token died at once: {body}"
    );
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let refreshed = app
        .gql(REFRESH, json!({ "t": s.manager_refresh }), None)
        .await;
    assert_eq!(error_code(&refreshed), "UNAUTHENTICATED", "{refreshed}");
    let right = app
        .gql(
            LOGIN,
            json!({ "l": "manager", "p": MANAGER_PASSWORD }),
            None,
        )
        .await;
    let wrong = app
        .gql(
            LOGIN,
            json!({ "l": "manager", "p": "not-the-password" }),
            None,
        )
        .await;
    assert_eq!(
        right, wrong,
        "a deactivated account looks like a wrong password to anonymous callers"
    );
    assert_eq!(right["data"]["login"]["userErrors"][0]["code"], "INVALID");

    let data = app
        .data(REACTIVATE, json!({ "id": s.manager_id }), Some(&s.admin))
        .await;
    assert_eq!(data["reactivateUser"]["user"]["active"], true);
    let (fresh, _) = app.login("manager", MANAGER_PASSWORD).await;
    assert_eq!(as_user(app, ME, &fresh).await.0, StatusCode::OK);
    assert_eq!(
        as_user(app, ME, &s.manager_access).await.0,
        StatusCode::UNAUTHORIZED,
        "tokens from before the deactivation stay dead"
    );
}

#[tokio::test]
async fn deactivation_reaches_every_process_sharing_the_database() {
    let postgres = std::env::var("TEST_DATABASE_URL").is_ok();
    let s = siping().await;
    // On PostgreSQL the other process learns of the change by NOTIFY, so its cache may keep
    // entries for ten minutes; on SQLite only the cache's lifetime bounds its staleness.
    let other = s
        .app
        .reopened(&[
            "--account-cache-ms",
            if postgres { "600000" } else { "300" },
        ])
        .await;
    assert_eq!(
        as_user(&other, ME, &s.manager_access).await.0,
        StatusCode::OK,
        "the other process has the account cached as active"
    );

    s.app
        .data(DEACTIVATE, json!({ "id": s.manager_id }), Some(&s.admin))
        .await;

    let changed = Instant::now();
    loop {
        let (status, _) = as_user(&other, ME, &s.manager_access).await;
        if status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(
            changed.elapsed() < Duration::from_secs(2),
            "the other process still admits the token"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// On PostgreSQL a process hears account changes and events on one listening connection.
#[tokio::test]
async fn a_process_listens_for_everything_on_one_connection() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    let app = TestApp::new().await;
    let mut args = app.args.iter();
    if !args.any(|arg| arg == "--database-schema") {
        // SQLite: one process, no notifications, so nothing listens.
        assert_eq!(app.app.state.db.get_database_backend(), DbBackend::Sqlite);
        return;
    }
    let schema = args.next().unwrap();
    let events = qihang::events::channel_name(Some(schema));
    let listening = app
        .app
        .state
        .db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT query FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND strpos(query, $1) > 0",
            [events.into()],
        ))
        .await
        .unwrap();
    assert_eq!(
        listening.len(),
        1,
        "one connection listens for this process"
    );
    let channels: String = listening[0].try_get("", "query").unwrap();
    assert!(
        channels.contains(qihang::auth::account_state::CHANNEL),
        "{channels}"
    );
}

#[tokio::test]
async fn a_websocket_of_a_deactivated_user_is_closed() {
    let s = siping().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(axum::serve(listener, s.app.app.router.clone()).into_future());
    let mut ws = signed_in_socket(address, &s.manager_access).await;

    s.app
        .data(DEACTIVATE, json!({ "id": s.manager_id }), Some(&s.admin))
        .await;

    let (code, reason) = closed_by_server(&mut ws, Duration::from_secs(5)).await;
    assert_eq!(
        (code, reason.as_str()),
        (qihang::http::WS_TOKEN_EXPIRED, "token revoked")
    );
    ws.send(Message::Close(None)).await.ok();
    server.abort();
}

#[tokio::test]
async fn change_password_ends_the_other_sessions_only() {
    let s = siping().await;
    let app = &s.app;
    let (phone_access, phone_refresh) = app.login("manager", MANAGER_PASSWORD).await;
    let laptop_refresh = s.manager_refresh.clone();

    let change = |current: &str, new: &str| json!({ "query": CHANGE, "variables": { "c": current, "n": new } });
    let (_, wrong) = app
        .post(
            change("not-my-password", "a-new-password-456"),
            Some(&phone_access),
        )
        .await;
    assert_eq!(
        user_errors(&wrong["data"], "changePassword"),
        [("input.currentPassword".to_owned(), "INVALID".to_owned())]
    );
    let (_, short) = app
        .post(change(MANAGER_PASSWORD, "short"), Some(&phone_access))
        .await;
    assert_eq!(
        user_errors(&short["data"], "changePassword"),
        [("input.newPassword".to_owned(), "INVALID".to_owned())]
    );
    let (_, anonymous) = app
        .post(change(MANAGER_PASSWORD, "a-new-password-456"), None)
        .await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");

    let (_, changed) = app
        .post(
            change(MANAGER_PASSWORD, "a-new-password-456"),
            Some(&phone_access),
        )
        .await;
    assert_eq!(
        changed["data"]["changePassword"],
        json!({ "user": { "login": "manager" }, "userErrors": [] })
    );

    let laptop = app.gql(REFRESH, json!({ "t": laptop_refresh }), None).await;
    assert_eq!(
        error_code(&laptop),
        "UNAUTHENTICATED",
        "the other session ended"
    );
    let phone = app.data(REFRESH, json!({ "t": phone_refresh }), None).await;
    assert!(
        phone["refreshToken"]["accessToken"].is_string(),
        "this session goes on"
    );
    assert_eq!(as_user(app, ME, &phone_access).await.0, StatusCode::OK);
    let old = app
        .data(
            LOGIN,
            json!({ "l": "manager", "p": MANAGER_PASSWORD }),
            None,
        )
        .await;
    assert_eq!(old["login"]["userErrors"][0]["code"], "INVALID");
    app.login("manager", "a-new-password-456").await;
}

#[tokio::test]
async fn wrong_current_passwords_count_towards_the_lock_out() {
    let s = siping_with(TestApp::with_args(&["--login-max-failures", "2"]).await).await;
    let guess = json!({ "query": CHANGE, "variables": { "c": "guess-guess-guess", "n": "a-new-password-456" } });
    for _ in 0..2 {
        let (_, body) = s.app.post(guess.clone(), Some(&s.manager_access)).await;
        assert_eq!(
            body["data"]["changePassword"]["userErrors"][0]["code"],
            "INVALID"
        );
    }
    let (_, body) = s.app.post(guess, Some(&s.manager_access)).await;
    assert_eq!(error_code(&body), "RATE_LIMITED", "{body}");
}

#[tokio::test]
async fn reset_password_by_an_admin_of_the_region_ends_every_session() {
    let s = siping().await;
    let app = &s.app;
    let liaoning = app.admin_of("210000").await;
    let vars = json!({ "id": s.manager_id, "p": "reset-password-789" });

    let foreign = app.data(RESET, vars.clone(), Some(&liaoning)).await;
    assert_eq!(
        user_errors(&foreign, "resetPassword"),
        [("input.userId".to_owned(), "NOT_FOUND".to_owned())],
        "another region's user looks absent"
    );
    assert_eq!(foreign["resetPassword"]["user"], json!(null));
    let foreign = app
        .data(DEACTIVATE, json!({ "id": s.manager_id }), Some(&liaoning))
        .await;
    assert_eq!(
        user_errors(&foreign, "deactivateUser"),
        [("input.userId".to_owned(), "NOT_FOUND".to_owned())]
    );
    let by_manager = app.gql(RESET, vars.clone(), Some(&s.manager_access)).await;
    assert_eq!(error_code(&by_manager), "FORBIDDEN");
    let short = app
        .data(
            RESET,
            json!({ "id": s.manager_id, "p": "short" }),
            Some(&s.admin),
        )
        .await;
    assert_eq!(
        user_errors(&short, "resetPassword"),
        [("input.newPassword".to_owned(), "INVALID".to_owned())]
    );
    assert_eq!(
        as_user(app, ME, &s.manager_access).await.0,
        StatusCode::OK,
        "refused resets changed nothing"
    );

    let reset = app.data(RESET, vars, Some(&s.admin)).await;
    assert_eq!(reset["resetPassword"]["userErrors"], json!([]));

    assert_eq!(
        as_user(app, ME, &s.manager_access).await.0,
        StatusCode::UNAUTHORIZED,
        "the access token died at once"
    );
    let refreshed = app
        .gql(REFRESH, json!({ "t": s.manager_refresh }), None)
        .await;
    assert_eq!(error_code(&refreshed), "UNAUTHENTICATED");
    app.login("manager", "reset-password-789").await;
}

#[tokio::test]
async fn an_admin_manages_the_users_of_its_region_only() {
    let s = siping().await;
    let app = &s.app;
    let root = app.root_token().await;
    let changchun = app.admin_of("220100").await;
    let base = app.base_in(&s.admin, "铁西基地", "220302").await;
    let registered = app
        .data(
            "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } userErrors { message } } }",
            json!({ "i": {
                "baseId": base, "name": "王小明", "idNumber": id_number("220302", "19900307", 123),
                "disabilityCertificateNumber": format!("{}42", id_number("220302", "19900307", 123)),
                "residence": "RURAL", "interests": ["SHORT_VIDEO"], "consentToSensitiveData": true
            } }),
            Some(&s.admin),
        )
        .await;
    let trainee = registered["registerTrainee"]["trainee"]["id"]
        .as_str()
        .unwrap();
    let (_, trainee_user) = app
        .user_with(
            &s.admin,
            json!({ "login": "xiaoming", "password": "trainee-password-123", "displayName": "王小明", "role": "TRAINEE", "traineeId": trainee }),
        )
        .await;
    let siping_admin_id = app.data("{ me { id } }", json!({}), Some(&s.admin)).await["me"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    for (who, token, user, expected) in [
        (
            "a trainee, by its base's region",
            &s.admin,
            &trainee_user,
            "ok",
        ),
        (
            "a trainee, from another city",
            &changchun,
            &trainee_user,
            "NOT_FOUND",
        ),
        (
            "a manager, by its base's region",
            &s.admin,
            &s.manager_id,
            "ok",
        ),
        (
            "another city's admin",
            &changchun,
            &siping_admin_id,
            "NOT_FOUND",
        ),
        ("any user, nationwide", &root, &siping_admin_id, "ok"),
    ] {
        let data = app
            .data(DEACTIVATE, json!({ "id": user }), Some(token))
            .await;
        let errors = user_errors(&data, "deactivateUser");
        let got = errors.first().map_or("ok", |e| e.1.as_str());
        assert_eq!(got, expected, "{who}: {data}");
    }
    let root_id = app.data("{ me { id } }", json!({}), Some(&root)).await["me"]["id"].clone();
    let myself = app
        .data(DEACTIVATE, json!({ "id": root_id }), Some(&root))
        .await;
    assert_eq!(
        user_errors(&myself, "deactivateUser"),
        [("input.userId".to_owned(), "INVALID_STATE".to_owned())],
        "an admin cannot lock itself out"
    );
    let malformed = app
        .data(DEACTIVATE, json!({ "id": "nope" }), Some(&root))
        .await;
    assert_eq!(
        user_errors(&malformed, "deactivateUser"),
        [("input.userId".to_owned(), "INVALID".to_owned())]
    );
}
