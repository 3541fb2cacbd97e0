//! Login abuse controls: the per-login lock-out (reserved before the password is checked,
//! kept in the database so it holds across processes) and the per-address limit.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{ROOT_LOGIN, ROOT_PASSWORD, TestApp, error_code};

const LOGIN: &str =
    "mutation($i: LoginInput!) { login(input: $i) { accessToken userErrors { code } } }";

/// One login attempt through the router, from `from` when given (as a real server sees its
/// TCP peer), with extra headers.
async fn attempt(
    router: Router,
    login: &str,
    password: &str,
    from: Option<&str>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let body =
        json!({ "query": LOGIN, "variables": { "i": { "login": login, "password": password } } });
    let mut request = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::from(body.to_string())).unwrap();
    if let Some(address) = from {
        let peer: SocketAddr = format!("{address}:50000").parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(peer));
    }
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

fn outcome(body: &Value) -> &str {
    if body.get("errors").is_some() {
        error_code(body)
    } else if body["data"]["login"]["accessToken"].is_string() {
        "SIGNED_IN"
    } else {
        body["data"]["login"]["userErrors"][0]["code"]
            .as_str()
            .unwrap_or("<none>")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_passwords_check_the_password_at_most_the_allowed_times() {
    let app = TestApp::with_args(&["--login-max-failures", "3", "--login-window", "6"]).await;
    let checks_before = app.app.state.metrics.password_checks();

    let started = Instant::now();
    let attempts: Vec<_> = (0..20)
        .map(|i| {
            let router = app.app.router.clone();
            tokio::spawn(async move {
                attempt(
                    router,
                    ROOT_LOGIN,
                    &format!("wrong-password-{i}"),
                    None,
                    &[],
                )
                .await
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in attempts {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        if outcome(&body) == "RATE_LIMITED" {
            let retry_after = body["errors"][0]["extensions"]["retryAfter"]
                .as_u64()
                .unwrap();
            assert!((1..=6).contains(&retry_after), "retryAfter {retry_after}");
        }
        outcomes.push(outcome(&body).to_owned());
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the burst must fit in one window"
    );

    let checks = app.app.state.metrics.password_checks() - checks_before;
    assert_eq!(checks, 3, "only reserved attempts check the password");
    assert_eq!(outcomes.iter().filter(|o| *o == "INVALID").count(), 3);
    assert_eq!(
        outcomes.iter().filter(|o| *o == "RATE_LIMITED").count(),
        17,
        "{outcomes:?}"
    );
    let (_, _, metrics) = app
        .send(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    assert!(
        String::from_utf8(metrics)
            .unwrap()
            .contains("qihang_password_checks_total"),
        "the count is a metric"
    );

    let (_, locked) = attempt(app.app.router.clone(), ROOT_LOGIN, ROOT_PASSWORD, None, &[]).await;
    assert_eq!(
        outcome(&locked),
        "RATE_LIMITED",
        "the right password is refused during the lock-out"
    );
    assert_eq!(
        app.app.state.metrics.password_checks() - checks_before,
        3,
        "without checking it"
    );

    tokio::time::sleep(
        Duration::from_secs(6).saturating_sub(started.elapsed()) + Duration::from_millis(500),
    )
    .await;
    let (_, after) = attempt(app.app.router.clone(), ROOT_LOGIN, ROOT_PASSWORD, None, &[]).await;
    assert_eq!(outcome(&after), "SIGNED_IN", "the window passed: {after}");
}

#[tokio::test]
async fn the_lock_out_holds_in_every_process_sharing_the_database() {
    let first = TestApp::with_args(&["--login-max-failures", "2"]).await;
    let second = first.reopened(&[]).await;
    for _ in 0..2 {
        let (_, body) = attempt(
            first.app.router.clone(),
            "ROOT",
            "wrong-password",
            None,
            &[],
        )
        .await;
        assert_eq!(outcome(&body), "INVALID");
    }

    let (_, body) = attempt(
        second.app.router.clone(),
        ROOT_LOGIN,
        ROOT_PASSWORD,
        None,
        &[],
    )
    .await;

    assert_eq!(outcome(&body), "RATE_LIMITED", "{body}");
    assert_eq!(
        second.app.state.metrics.password_checks(),
        0,
        "the other process did not check the password"
    );
    let (_, other) = attempt(second.app.router.clone(), "somebody", "x", None, &[]).await;
    assert_eq!(outcome(&other), "INVALID", "other logins are not locked");
}

#[tokio::test]
async fn one_address_is_limited_whatever_the_login_names() {
    let app = TestApp::with_args(&["--login-per-address", "3"]).await;
    let router = || app.app.router.clone();

    for i in 0..3 {
        let (_, body) = attempt(router(), &format!("name{i}"), "x", Some("192.0.2.1"), &[]).await;
        assert_eq!(outcome(&body), "INVALID", "{body}");
    }
    let (_, limited) = attempt(router(), "name9", "x", Some("192.0.2.1"), &[]).await;
    let (_, spoofed) = attempt(
        router(),
        "name9",
        "x",
        Some("192.0.2.1"),
        &[("x-forwarded-for", "198.51.100.7")],
    )
    .await;
    let (_, elsewhere) = attempt(router(), ROOT_LOGIN, ROOT_PASSWORD, Some("192.0.2.2"), &[]).await;

    assert_eq!(outcome(&limited), "RATE_LIMITED");
    assert!(
        limited["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap()
            >= 1
    );
    assert_eq!(
        outcome(&spoofed),
        "RATE_LIMITED",
        "X-Forwarded-For is not trusted unless configured"
    );
    assert_eq!(
        outcome(&elsewhere),
        "SIGNED_IN",
        "other addresses are not limited"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_counts() {
    let app =
        TestApp::with_args(&["--login-per-address", "1", "--trust-forwarded-for", "true"]).await;
    let router = || app.app.router.clone();
    let proxy = Some("10.0.0.1");

    let (_, first) = attempt(
        router(),
        "a",
        "x",
        proxy,
        &[("x-forwarded-for", "198.51.100.7")],
    )
    .await;
    let (_, again) = attempt(
        router(),
        "b",
        "x",
        proxy,
        &[("x-forwarded-for", "203.0.113.50, 198.51.100.7")],
    )
    .await;
    let (_, other) = attempt(
        router(),
        ROOT_LOGIN,
        ROOT_PASSWORD,
        proxy,
        &[("x-forwarded-for", "198.51.100.8")],
    )
    .await;

    assert_eq!(outcome(&first), "INVALID");
    assert_eq!(
        outcome(&again),
        "RATE_LIMITED",
        "the proxy's entry (the last) counts, not what the client prepended"
    );
    assert_eq!(outcome(&other), "SIGNED_IN");
}
