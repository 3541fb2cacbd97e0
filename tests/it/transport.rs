//! HTTP transport: CSRF rules, limits, error codes, health, metrics and request ids.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{TestApp, error_code};
use std::future::IntoFuture;

fn deep_query(depth: usize) -> String {
    let mut query = "code".to_owned();
    for _ in 0..depth {
        query = format!("parent {{ {query} }}");
    }
    format!(r#"{{ region(code: "220302") {{ {query} }} }}"#)
}

async fn base_count(app: &TestApp) -> usize {
    use sea_orm::EntityTrait;
    entity::base::Entity::find()
        .all(&app.app.state.db)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn queries_nested_beyond_the_limit_are_rejected() {
    let app = TestApp::with_args(&["--max-query-depth", "6"]).await;

    let ok = app.gql(&deep_query(3), json!({}), None).await;
    assert!(ok.get("errors").is_none(), "{ok}");
    let too_deep = app.gql(&deep_query(8), json!({}), None).await;

    assert_eq!(error_code(&too_deep), "QUERY_TOO_COMPLEX");
    assert!(too_deep["data"].is_null());
}

#[tokio::test]
async fn list_fields_are_costed_by_their_page_size() {
    let app = TestApp::with_args(&["--max-query-complexity", "500"]).await;

    let small = app
        .gql(
            "{ bases(first: 10) { edges { node { id name } } } }",
            json!({}),
            None,
        )
        .await;
    assert!(small.get("errors").is_none(), "{small}");
    let large = app
        .gql(
            "{ bases(first: 100) { edges { node { id name managers { id } } } } }",
            json!({}),
            None,
        )
        .await;

    assert_eq!(error_code(&large), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn page_size_above_the_cap_is_bad_user_input() {
    let app = TestApp::new().await;

    let body = app
        .gql(
            "{ bases(first: 101) { edges { cursor } } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let body = app
        .gql("{ bases(first: -1) { edges { cursor } } }", json!({}), None)
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let body = app
        .gql(
            r#"{ bases(after: "garbage") { edges { cursor } } }"#,
            json!({}),
            None,
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let body = app
        .gql(
            "{ bases(first: 100) { edges { cursor } } }",
            json!({}),
            None,
        )
        .await;
    assert!(body.get("errors").is_none());
}

#[tokio::test]
async fn get_runs_queries_but_never_mutations() {
    let app = TestApp::new().await;
    let token = app.root_token().await;

    let query = "query=%7B%20region(code%3A%20%22220300%22)%20%7B%20name%20%7D%20%7D";
    let (status, _, body) = app
        .send(
            Request::get(format!("/graphql?{query}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["data"]["region"]["name"], "四平市");

    let mutation = "query=mutation%20%7B%20createBase(input%3A%20%7Bname%3A%20%22x%22%2C%20regionCode%3A%20%22220302%22%7D)%20%7B%20base%20%7B%20id%20%7D%20%7D%20%7D";
    let (status, headers, _) = app
        .send(
            Request::get(format!("/graphql?{mutation}"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(headers[header::ALLOW], "POST");
    assert_eq!(base_count(&app).await, 0, "the mutation did not run");
}

#[tokio::test]
async fn only_json_and_preflighted_multipart_posts_run() {
    let app = TestApp::new().await;
    let token = app.root_token().await;
    let mutation = json!({ "query": r#"mutation { createBase(input: { name: "x", regionCode: "220302" }) { base { id } } }"# }).to_string();

    for content_type in ["text/plain", "application/x-www-form-urlencoded"] {
        let (status, _, _) = app
            .send(
                Request::post("/graphql")
                    .header(header::CONTENT_TYPE, content_type)
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(Body::from(mutation.clone()))
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type}");
    }
    let multipart = format!(
        "--X\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{mutation}\r\n--X\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{}}\r\n--X--\r\n"
    );
    let (status, _, _) = app
        .send(
            Request::post("/graphql")
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from(multipart.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "multipart without a preflight header"
    );
    assert_eq!(base_count(&app).await, 0, "nothing ran");

    let (status, _, body) = app
        .send(
            Request::post("/graphql")
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
                .header("apollo-require-preflight", "true")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from(multipart))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        base_count(&app).await,
        1,
        "a preflighted multipart request runs"
    );
}

#[tokio::test]
async fn batches_are_capped() {
    let app = TestApp::with_args(&["--max-batch", "2"]).await;
    let op = json!({ "query": "{ regions { code } }" });

    let (status, body) = app.post(json!([op, op]), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().unwrap().len(), 2);

    let (status, body) = app.post(json!([op, op, op]), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::with_args(&["--max-body-bytes", "1024"]).await;
    let padding = "x".repeat(4096);

    let (status, _) = app
        .post(
            json!({ "query": format!("{{ regions {{ code }} }} # {padding}") }),
            None,
        )
        .await;

    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn syntax_and_validation_errors_carry_a_code() {
    let app = TestApp::new().await;

    assert_eq!(
        error_code(&app.gql("{ regions { code ", json!({}), None).await),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        error_code(&app.gql("{ regions { nope } }", json!({}), None).await),
        "BAD_USER_INPUT"
    );
}

#[tokio::test]
async fn introspection_and_suggestions_can_be_switched_off() {
    let app = TestApp::with_args(&["--introspection", "false"]).await;

    let body = app
        .gql(
            r#"{ __schema { types { name } } __type(name: "Region") { name } }"#,
            json!({}),
            None,
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "__schema": null, "__type": null }),
        "introspection answers nothing"
    );
    let typo = app.gql("{ regionz { code } }", json!({}), None).await;
    let message = typo["errors"][0]["message"].as_str().unwrap();
    assert!(
        !message.contains("Did you mean"),
        "no suggestions: {message}"
    );

    let open = TestApp::new().await;
    let body = open
        .gql("{ __schema { queryType { name } } }", json!({}), None)
        .await;
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test]
async fn health_readiness_metrics_graphiql_and_request_ids() {
    let app = TestApp::new().await;

    let (status, _, body) = app
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, b"ok".as_slice())
    );
    let (status, _, _) = app
        .send(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);

    app.gql("{ regions { code } }", json!({}), None).await;
    let (status, _, body) = app
        .send(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    let metrics = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::OK);
    assert!(metrics.contains("qihang_db_statements_total"), "{metrics}");
    assert!(
        metrics.contains(
            "qihang_http_requests_total{method=\"POST\",path=\"/graphql\",status=\"200\"}"
        ),
        "{metrics}"
    );

    let (status, headers, body) = app
        .send(Request::get("/").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains("graphiql"));
    assert!(headers.contains_key("x-request-id"));

    let (_, headers, _) = app
        .send(
            Request::get("/healthz")
                .header("x-request-id", "abc-123")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        headers["x-request-id"], "abc-123",
        "a caller's request id is kept"
    );
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = TestApp::new().await;

    let (status, headers, _) = app
        .send(
            Request::post("/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT_ENCODING, "gzip")
                .body(Body::from(
                    json!({ "query": "{ regions { code name children { code name } } }" })
                        .to_string(),
                ))
                .unwrap(),
        )
        .await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn cors_preflight_allows_configured_origins_only() {
    let app = TestApp::with_args(&["--cors-origins", "https://console.example.cn"]).await;
    let preflight = |origin: &str| {
        Request::options("/graphql")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "authorization,content-type",
            )
            .body(Body::empty())
            .unwrap()
    };

    let (_, allowed, _) = app.send(preflight("https://console.example.cn")).await;
    assert_eq!(
        allowed[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://console.example.cn"
    );
    let (_, refused, _) = app.send(preflight("https://evil.example.com")).await;
    assert!(!refused.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
}

#[test]
fn production_refuses_to_start_without_real_secrets() {
    use qihang::config::Config;
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();

    let bare =
        Config::try_parse_from(["qihang", "--env", "production", "--data-dir", data_dir]).unwrap();
    let err = bare.secrets().unwrap_err().to_string();
    assert!(err.contains("QIHANG_JWT_SECRET"), "{err}");

    let weak = Config::try_parse_from([
        "qihang",
        "--env",
        "production",
        "--jwt-secret",
        "short",
        "--data-key",
        "abc",
    ])
    .unwrap();
    assert!(weak.secrets().is_err());

    let key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let good = Config::try_parse_from([
        "qihang",
        "--env",
        "production",
        "--jwt-secret",
        "a-production-secret-of-32-bytes-or-more",
        "--data-key",
        key,
    ])
    .unwrap();
    assert_eq!(good.secrets().unwrap().data_key[1], 0x11);
    assert!(
        !good.introspection_enabled() && !good.graphiql_enabled(),
        "closed by default in production"
    );
}

#[test]
fn development_secrets_are_made_once_and_kept_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let config =
        qihang::config::Config::try_parse_from(["qihang", "--data-dir", data_dir]).unwrap();

    let first = config.secrets().unwrap();
    let second = config.secrets().unwrap();

    assert_eq!(
        first.jwt_secret, second.jwt_secret,
        "a restart keeps tokens valid"
    );
    assert_eq!(
        first.data_key, second.data_key,
        "a restart keeps encrypted data readable"
    );
    let mode = std::fs::metadata(dir.path().join("secrets/data_key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test]
async fn websocket_runs_operations_for_the_authenticated_caller() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let app = TestApp::new().await;
    let token = app.root_token().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(axum::serve(listener, app.app.router.clone()).into_future());
    let connect = || async {
        let mut request = format!("ws://{address}/graphql/ws")
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        tokio_tungstenite::connect_async(request).await.unwrap().0
    };
    let next_json = |message: Option<Result<Message, _>>| -> Value {
        match message {
            Some(Ok(Message::Text(text))) => serde_json::from_str(&text).unwrap(),
            other => json!({ "other": format!("{other:?}") }),
        }
    };

    let mut ws = connect().await;
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    ws.send(Message::Text(init.to_string().into()))
        .await
        .unwrap();
    assert_eq!(next_json(ws.next().await)["type"], "connection_ack");
    let subscribe =
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ me { login } }" } });
    ws.send(Message::Text(subscribe.to_string().into()))
        .await
        .unwrap();
    let next = next_json(ws.next().await);
    assert_eq!(next["type"], "next");
    assert_eq!(next["payload"]["data"]["me"]["login"], "root");

    let mut refused = connect().await;
    let bad = json!({ "type": "connection_init", "payload": { "Authorization": "Bearer forged" } });
    refused
        .send(Message::Text(bad.to_string().into()))
        .await
        .unwrap();
    let answer = refused.next().await;
    assert!(
        matches!(answer, Some(Ok(Message::Close(_))) | None),
        "a bad token closes the connection: {answer:?}"
    );
    server.abort();
}

#[tokio::test]
async fn uploads_above_the_import_limit_are_refused() {
    let app = TestApp::new().await;
    let root = app.root_token().await;
    let base = app.base_in(&root, "基地", "220302").await;
    let big = vec![b'a'; 10 * 1024 * 1024 + 1];

    let body = app
        .upload(
            &root,
            "mutation($input: ImportTraineesInput!) { importTrainees(input: $input) { created userErrors { field code message } } }",
            json!({ "baseId": base, "file": null, "consentToSensitiveData": true }),
            "big.csv",
            &big,
        )
        .await;

    let error = &body["data"]["importTrainees"]["userErrors"][0];
    assert_eq!(error["field"], json!(["input", "file"]));
    assert!(
        error["message"].as_str().unwrap().contains("10 MB"),
        "{error}"
    );
}
