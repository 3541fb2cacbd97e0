//! HTTP transport: CSRF rules, limits, error codes, health, metrics, request ids, GraphiQL,
//! start-up checks, and the rules of the graphql-http conformance audit (their ids in
//! comments). Long, because it is the one place that tests the HTTP surface as a whole.

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
async fn json_bodies_have_a_small_limit_of_their_own() {
    let app = TestApp::new().await;
    let padding = "x".repeat(6 * 1000 * 1000);

    let (status, body) = app
        .post(
            json!({ "query": format!("{{ regions {{ code }} }} # {padding}") }),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "6 MB of JSON");
    assert_eq!(error_code(&body), "BAD_USER_INPUT");

    let small = TestApp::with_args(&["--max-json-body-bytes", "1024"]).await;
    let (status, _) = small
        .post(
            json!({ "query": format!("{{ regions {{ code }} }} # {}", "x".repeat(2048)) }),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "the limit is configurable"
    );
    let (status, _) = small
        .post(json!({ "query": "{ regions { code } }" }), None)
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn get_query_strings_share_the_json_limit() {
    let app = TestApp::with_args(&["--max-json-body-bytes", "1024"]).await;
    let long = format!(
        "/graphql?query=%7B%20regions%20%7B%20code%20%7D%20%7D%20%23{}",
        "x".repeat(2048)
    );

    let (status, _, _) = app
        .send(Request::get(long).body(Body::empty()).unwrap())
        .await;

    assert_eq!(status, StatusCode::URI_TOO_LONG);
}

#[tokio::test]
async fn multipart_uploads_may_use_the_larger_upload_limit() {
    let app = TestApp::new().await;
    let root = app.root_token().await;
    let base = app.base_in(&root, "基地", "220302").await;
    // 2 MiB: above the JSON limit, below the upload limit (12 MiB).
    let mut csv = String::from("姓名\n");
    while csv.len() < 2 * 1024 * 1024 {
        csv.push_str("王小明\n");
    }

    let body = app
        .upload(
            &root,
            "mutation($input: ImportTraineesInput!) { importTrainees(input: $input) { created userErrors { field code message } } }",
            json!({ "baseId": base, "file": null, "dryRun": true, "consentToSensitiveData": true }),
            "big.csv",
            csv.as_bytes(),
        )
        .await;

    assert!(body.get("errors").is_none(), "{body}");
    assert!(
        body["data"]["importTrainees"].is_object(),
        "the upload was read: {body}"
    );
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

#[tokio::test]
async fn development_mode_listens_on_loopback_only_unless_the_environment_is_chosen() {
    use qihang::config::Config;
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();

    for listen in ["0.0.0.0:8080", "[::]:8080", "192.0.2.10:8080"] {
        let config =
            Config::try_parse_from(["qihang", "--data-dir", data_dir, "--listen", listen]).unwrap();
        let err = qihang::build(config)
            .await
            .err()
            .expect("refused at start")
            .to_string();
        assert!(
            err.contains("loopback") && err.contains("QIHANG_ENV"),
            "a clear message: {err}"
        );
    }
    for listen in ["127.0.0.1:8080", "[::1]:8080"] {
        let config =
            Config::try_parse_from(["qihang", "--data-dir", data_dir, "--listen", listen]).unwrap();
        assert!(config.check().is_ok(), "{listen}");
    }
    let production =
        Config::try_parse_from(["qihang", "--env", "production", "--listen", "0.0.0.0:8080"])
            .unwrap();
    assert!(production.check().is_ok());

    // Development chosen explicitly (the harness passes `--env development`) may listen
    // anywhere: the server builds.
    let app = TestApp::with_args(&["--listen", "0.0.0.0:8080"]).await;
    let body = app.gql("{ regions { code } }", json!({}), None).await;
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test]
async fn graphiql_is_served_with_its_own_assets() {
    let app = TestApp::new().await;

    let (status, headers, body) = app
        .send(Request::get("/graphiql").body(Body::empty()).unwrap())
        .await;
    let page = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        !page.contains("https://") && !page.contains("//unpkg"),
        "nothing from a CDN: {page}"
    );
    assert!(
        page.contains("\"/graphql\"") && page.contains("\"/graphql/ws\""),
        "{page}"
    );

    let sources: Vec<&str> = page
        .split(['"', '\''])
        .filter(|s| s.starts_with("/graphiql/assets/"))
        .collect();
    assert_eq!(sources.len(), 4, "{sources:?}");
    for source in sources {
        let (status, headers, body) = app
            .send(Request::get(source).body(Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::OK, "{source}");
        let expected = if source.ends_with(".css") {
            "text/css"
        } else {
            "text/javascript"
        };
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(expected),
            "{source}: {:?}",
            headers[header::CONTENT_TYPE]
        );
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable",
            "{source}"
        );
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(body.len() > 10_000, "{source}");
    }
    let (status, _, _) = app
        .send(
            Request::get("/graphiql/assets/0000/secrets.txt")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let closed = TestApp::with_args(&["--graphiql", "false"]).await;
    let (status, _, _) = closed
        .send(Request::get("/graphiql").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// One raw request to `/graphql`: status, response content type and JSON body.
async fn exchange(
    app: &TestApp,
    request: axum::http::request::Builder,
    body: &str,
) -> (StatusCode, String, Value) {
    let (status, headers, bytes) = app
        .send(request.body(Body::from(body.to_owned())).unwrap())
        .await;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, content_type, body)
}

fn post_accepting(accept: Option<&str>) -> axum::http::request::Builder {
    let request = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    match accept {
        Some(accept) => request.header(header::ACCEPT, accept),
        None => request,
    }
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// GraphQL over HTTP, as the graphql-http audit checks it (its rule ids in comments).
#[tokio::test]
async fn the_response_type_follows_accept() {
    let app = TestApp::new().await;
    let query = json!({ "query": "{ __typename }" }).to_string();

    for (accept, expected) in [
        (Some("application/json"), "application/json"), // 4655
        (Some(GRAPHQL_RESPONSE), GRAPHQL_RESPONSE),     // 22EB
        (Some("*/*"), "application/json"),              // 47DE
        (None, "application/json"),                     // 80D8
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            GRAPHQL_RESPONSE,
        ),
        (
            Some("application/json, application/graphql-response+json;q=0.5"),
            "application/json",
        ),
    ] {
        let (status, content_type, body) = exchange(&app, post_accepting(accept), &query).await;
        assert_eq!(status, StatusCode::OK, "{accept:?}");
        assert!(
            content_type.starts_with(expected),
            "{accept:?}: {content_type}"
        );
        assert!(
            content_type.contains("charset=utf-8"),
            "82A3: {content_type}"
        );
        assert_eq!(body["data"]["__typename"], "Query");
    }
    // BF61: a UTF-8 request with its charset named.
    let (status, _, body) = exchange(
        &app,
        Request::post("/graphql").header(header::CONTENT_TYPE, "application/json; charset=utf-8"),
        &json!({ "query": r#"{ __type(name: "Run🏃Swim🏊") { name } }"# }).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn malformed_request_parameters_are_400() {
    let app = TestApp::new().await;

    let mut bodies = vec![
        String::new(),                                       // A5BF
        r#"{ "not a JSON"#.to_owned(),                       // BCF8, B7N8
        json!({ "notquery": "{ __typename }" }).to_string(), // 423L
        json!({ "qeury": "{ __typename }" }).to_string(),    // 3E3A, 8764
        json!([]).to_string(),
    ];
    for invalid in [
        json!({ "obj": "ect" }),
        json!(0),
        json!(false),
        json!(["array"]),
    ] {
        bodies.push(json!({ "query": invalid }).to_string()); // LKJ0-3
        bodies.push(json!({ "query": "{ __typename }", "operationName": invalid }).to_string()); // 6C00-3
    }
    for invalid in [json!("string"), json!(0), json!(false), json!(["array"])] {
        bodies.push(json!({ "query": "{ __typename }", "variables": invalid }).to_string()); // 4760-3
        bodies.push(json!({ "query": "{ __typename }", "extensions": invalid }).to_string()); // 58B0-3
    }
    for body in bodies {
        for accept in [Some("application/json"), Some(GRAPHQL_RESPONSE), None] {
            let (status, _, answer) = exchange(&app, post_accepting(accept), &body).await;
            assert_eq!(
                status,
                StatusCode::BAD_REQUEST,
                "{body} ({accept:?}): {answer}"
            );
            assert_eq!(error_code(&answer), "BAD_USER_INPUT");
        }
    }
    // 9ABE: no content type at all.
    let (status, _, _) = exchange(
        &app,
        Request::post("/graphql"),
        &json!({ "query": "{ __typename }" }).to_string(),
    )
    .await;
    assert!(status.is_client_error(), "{status}");
}

#[tokio::test]
async fn optional_parameters_may_be_null_or_given() {
    let app = TestApp::new().await;

    let mut bodies = vec![
        json!({ "query": "query Query { __typename }", "operationName": "Query" }), // B8B3, 8161
        json!({ "query": "query Type($name: String!) { __type(name: $name) { name } }", "variables": { "name": "sometype" } }), // 28B9, 2EA1
        json!({ "query": "{ __typename }", "extensions": { "some": "value" } }), // 1B7A, 428F
    ];
    for parameter in ["variables", "operationName", "extensions"] {
        bodies.push(json!({ "query": "{ __typename }", parameter: null })); // 0220-2, 94B0-2
    }
    for body in bodies {
        for accept in ["application/json", GRAPHQL_RESPONSE] {
            let (status, _, answer) =
                exchange(&app, post_accepting(Some(accept)), &body.to_string()).await;
            assert_eq!(status, StatusCode::OK, "{body} ({accept}): {answer}");
            assert!(answer.get("errors").is_none(), "{body}: {answer}");
        }
    }
    // 6A70, D6D5: variables as URL-encoded JSON in a GET.
    let uri = "/graphql?query=query%20Type(%24name%3A%20String!)%20%7B%20__type(name%3A%20%24name)%20%7B%20name%20%7D%20%7D&variables=%7B%22name%22%3A%22Region%22%7D&operationName=Type";
    for accept in ["application/json", GRAPHQL_RESPONSE] {
        let (status, content_type, answer) =
            exchange(&app, Request::get(uri).header(header::ACCEPT, accept), "").await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert!(content_type.starts_with(accept));
        assert_eq!(answer["data"]["__type"]["name"], "Region");
    }
    // GET parameters are checked like a POST body.
    for uri in [
        "/graphql",
        "/graphql?variables=%7B%7D",
        "/graphql?query=%7B__typename%7D&variables=%5B1%5D",
    ] {
        let (status, _, _) = exchange(&app, Request::get(uri), "").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
    }
}

#[tokio::test]
async fn request_errors_are_400_without_data_only_for_graphql_response_json() {
    let app = TestApp::new().await;
    let failures = [
        json!({ "query": "{" }),                                    // parsing
        json!({ "query": "{ 8f31403dfe404bccbb0e835f2629c6a7 }" }), // validation
        json!({ "query": "query CoerceFailure($id: ID!){ __typename }", "variables": { "id": null } }), // coercion
    ];

    for body in &failures {
        // 865D, 556A, D586, 51FE, 74FF, 5E5B, 86EE
        let (status, content_type, answer) = exchange(
            &app,
            post_accepting(Some(GRAPHQL_RESPONSE)),
            &body.to_string(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert!(content_type.starts_with(GRAPHQL_RESPONSE));
        assert!(answer.get("data").is_none(), "no data entry: {answer}");
        assert_eq!(error_code(&answer), "BAD_USER_INPUT");
        // 572B, FDE2, 7B9B
        let (status, _, answer) = exchange(
            &app,
            post_accepting(Some("application/json")),
            &body.to_string(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}: {answer}");
        assert!(answer.get("data").is_none(), "{answer}");
    }
    // A refusal by the limits is a request error too.
    let deep = json!({ "query": "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }" });
    let (status, _, answer) = exchange(
        &app,
        post_accepting(Some(GRAPHQL_RESPONSE)),
        &deep.to_string(),
    )
    .await;
    assert_eq!(
        (status, error_code(&answer)),
        (StatusCode::BAD_REQUEST, "QUERY_TOO_COMPLEX")
    );

    // An error while executing is no request error: there is a data entry and a 200.
    let (status, _, answer) = exchange(
        &app,
        post_accepting(Some(GRAPHQL_RESPONSE)),
        &json!({ "query": "{ bases(first: 101) { edges { cursor } } }" }).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(answer.get("data").is_some(), "{answer}");
    assert_eq!(error_code(&answer), "BAD_USER_INPUT");
}
