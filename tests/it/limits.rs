//! The gate in front of the schema: introspection's own limits, aliases, root fields, error
//! codes, control characters, on every transport.

use std::future::IntoFuture;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{TestApp, error_code};

/// graphql-js 16.15.0 `getIntrospectionQuery` with every option on (fixtures/README.md).
const INTROSPECTION_QUERY: &str = include_str!("fixtures/introspection-query.graphql");

fn type_named<'a>(schema: &'a Value, name: &str) -> &'a Value {
    schema["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("type {name} missing"))
}

#[tokio::test]
async fn the_standard_introspection_query_passes_even_with_a_small_query_depth() {
    for app in [
        TestApp::new().await,
        TestApp::with_args(&["--max-query-depth", "3", "--max-query-complexity", "50"]).await,
    ] {
        let body = app.gql(INTROSPECTION_QUERY, json!({}), None).await;

        assert!(body.get("errors").is_none(), "{body}");
        let schema = &body["data"]["__schema"];
        assert_eq!(schema["queryType"]["name"], "Query");
        assert_eq!(schema["mutationType"]["name"], "Mutation");
        let query_fields: Vec<&str> = type_named(schema, "Query")["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        for field in ["me", "region", "regions", "bases", "trainees"] {
            assert!(
                query_fields.contains(&field),
                "Query.{field}: {query_fields:?}"
            );
        }
        // The deepest part of the query: an argument's type through `ofType`.
        let create_base = type_named(schema, "Mutation")["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "createBase")
            .unwrap();
        assert_eq!(create_base["args"][0]["type"]["kind"], "NON_NULL");
        assert_eq!(
            create_base["args"][0]["type"]["ofType"]["name"],
            "CreateBaseInput"
        );
    }
}

#[tokio::test]
async fn circular_introspection_is_refused() {
    let app = TestApp::new().await;

    for query in [
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
        r#"{ __type(name: "Query") { fields { type { fields { type { fields { name } } } } } } }"#,
        "{ __schema { types { interfaces { possibleTypes { inputFields { name } } } } } }",
        "query { __schema { types { ...T } } } fragment T on __Type { fields { type { ...U } } } fragment U on __Type { fields { type { fields { name } } } }",
    ] {
        let (status, body) = app.post(json!({ "query": query }), None).await;

        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{query}: {body}");
        assert!(body.get("data").is_none(), "nothing ran: {body}");
    }
}

#[tokio::test]
async fn introspection_depth_has_its_own_configurable_limit() {
    let of_type = |levels: usize| {
        let mut inner = "name".to_owned();
        for _ in 0..levels {
            inner = format!("ofType {{ name {inner} }}");
        }
        format!(r#"{{ __type(name: "Query") {{ fields {{ type {{ {inner} }} }} }} }}"#)
    };
    let app = TestApp::new().await;

    let fine = app.gql(&of_type(12), json!({}), None).await;
    assert!(fine.get("errors").is_none(), "{fine}");
    let too_deep = app.gql(&of_type(20), json!({}), None).await;
    assert_eq!(error_code(&too_deep), "QUERY_TOO_COMPLEX", "{too_deep}");

    let strict = TestApp::with_args(&["--max-introspection-depth", "10"]).await;
    let body = strict.gql(&of_type(12), json!({}), None).await;
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body}");
    let body = strict.gql(INTROSPECTION_QUERY, json!({}), None).await;
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body}");
}

#[tokio::test]
async fn five_hundred_aliases_are_refused_and_a_normal_query_passes() {
    let app = TestApp::new().await;
    let aliases: String = (0..500)
        .map(|i| format!("a{i}: regions {{ code children {{ code }} }} "))
        .collect();

    let body = app.gql(&format!("{{ {aliases} }}"), json!({}), None).await;
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body}");
    assert!(body.get("data").is_none());

    let normal = app
        .gql(
            r#"{ jilin: region(code: "220000") { name children { code name } }
                 siping: region(code: "220300") { name }
                 provinces: regions { code } me { login } }"#,
            json!({}),
            None,
        )
        .await;
    assert!(normal.get("errors").is_none(), "{normal}");
    assert_eq!(normal["data"]["siping"]["name"], "四平市");
}

#[tokio::test]
async fn aliases_count_where_fragments_are_used() {
    let app = TestApp::with_args(&["--max-aliases", "3"]).await;

    let two = app
        .gql(
            "{ a: regions { code } b: regions { name } }",
            json!({}),
            None,
        )
        .await;
    assert!(two.get("errors").is_none(), "{two}");
    let four_through_a_fragment = app
        .gql(
            "{ ...F x: regions { code } y: regions { code } } fragment F on Query { a: regions { code } b: regions { name } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(error_code(&four_through_a_fragment), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn root_fields_are_capped() {
    let app = TestApp::with_args(&["--max-root-fields", "2"]).await;

    let two = app
        .gql("{ me { login } regions { code } }", json!({}), None)
        .await;
    assert!(two.get("errors").is_none(), "{two}");
    let three = app
        .gql(
            r#"{ me { login } regions { code } region(code: "220300") { name } }"#,
            json!({}),
            None,
        )
        .await;
    assert_eq!(error_code(&three), "QUERY_TOO_COMPLEX", "{three}");
}

#[tokio::test]
async fn deep_fragment_nesting_is_refused_before_it_runs() {
    // Selection sets, fragments included, may nest 4 × the deeper depth limit: 20 here.
    let app =
        TestApp::with_args(&["--max-query-depth", "4", "--max-introspection-depth", "5"]).await;
    let mut query = "code".to_owned();
    for _ in 0..25 {
        query = format!("... on Region {{ {query} }}");
    }

    let body = app
        .gql(&format!("{{ regions {{ {query} }} }}"), json!({}), None)
        .await;

    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body}");
}

#[tokio::test]
async fn absurdly_nested_documents_are_refused_without_harm() {
    let app = TestApp::new().await;
    let depth = 100_000;

    for query in [
        format!("{}{}", "{ a ".repeat(depth), "}".repeat(depth)),
        format!(
            r#"{{ region(code: {}"x"{}) {{ name }} }}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    ] {
        let body = app.gql(&query, json!({}), None).await;

        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    }
    let body = app.gql("{ regions { code } }", json!({}), None).await;
    assert!(
        body.get("errors").is_none(),
        "the server still answers: {body}"
    );
}

#[tokio::test]
async fn fragments_used_many_times_cannot_multiply_the_work() {
    let app = TestApp::new().await;
    // Each fragment uses the next twice: 2^20 selections once expanded.
    let mut fragments = String::from("fragment F20 on Region { code }");
    for i in (0..20).rev() {
        fragments.push_str(&format!(
            " fragment F{i} on Region {{ ...F{next} children {{ ...F{next} }} }}",
            next = i + 1
        ));
    }

    let body = app
        .gql(
            &format!("{{ regions {{ ...F0 }} }} {fragments}"),
            json!({}),
            None,
        )
        .await;

    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body}");
}

#[tokio::test]
async fn limits_apply_over_the_websocket_too() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let app = TestApp::with_args(&["--max-query-depth", "3"]).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(axum::serve(listener, app.app.router.clone()).into_future());
    let mut request = format!("ws://{address}/graphql/ws")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let text = |message: Value| Message::Text(message.to_string().into());

    ws.send(text(json!({ "type": "connection_init", "payload": {} })))
        .await
        .unwrap();
    let ack = ws.next().await;
    assert!(format!("{ack:?}").contains("connection_ack"), "{ack:?}");
    let deep = r#"{ region(code: "220302") { parent { parent { parent { code } } } } }"#;
    ws.send(text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": deep } }),
    ))
    .await
    .unwrap();
    let answer = match ws.next().await {
        Some(Ok(Message::Text(text))) => serde_json::from_str::<Value>(&text).unwrap(),
        other => panic!("{other:?}"),
    };

    // graphql-transport-ws reports a refused operation as an `error` message.
    let errors = if answer["type"] == "error" {
        answer["payload"].clone()
    } else {
        answer["payload"]["errors"].clone()
    };
    assert_eq!(
        errors[0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
        "{answer}"
    );

    // A message above the JSON limit (1 MiB) ends the connection.
    let padding = "x".repeat(2 * 1024 * 1024);
    let _ = ws
        .send(text(json!({ "id": "2", "type": "subscribe", "payload": { "query": format!("{{ me {{ login }} }} # {padding}") } })))
        .await;
    let answer = loop {
        match ws.next().await {
            // What is left of the first operation (its `complete`).
            Some(Ok(Message::Text(text))) if text.contains(r#""id":"1""#) => continue,
            other => break other,
        }
    };
    assert!(
        matches!(answer, None | Some(Err(_)) | Some(Ok(Message::Close(_)))),
        "{answer:?}"
    );
    server.abort();
}

#[tokio::test]
async fn control_characters_in_literals_are_bad_user_input() {
    let app = TestApp::new().await;

    for (literal, character) in [
        (r#"\u0000"#, "U+0000"),
        (r#"22\u001b0300"#, "U+001B"),
        (r#"\u007f"#, "U+007F"),
        (r#"\u0085"#, "U+0085"),
    ] {
        let body = app
            .gql(
                &format!(r#"{{ region(code: "{literal}") {{ name }} }}"#),
                json!({}),
                None,
            )
            .await;

        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], json!(["code"]));
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("region") && message.contains(character),
            "{message}"
        );
        assert!(body.get("data").is_none(), "nothing ran: {body}");
    }
}

#[tokio::test]
async fn control_characters_in_variables_are_bad_user_input_and_change_nothing() {
    let app = TestApp::new().await;
    let root = app.root_token().await;

    let body = app
        .gql(
            "mutation($i: CreateBaseInput!) { createBase(input: $i) { base { id } userErrors { code } } }",
            json!({ "i": { "name": "基地\u{0}", "regionCode": "220302" } }),
            Some(&root),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        json!(["variables", "i", "name"])
    );
    let bases = app.data("{ bases { totalCount } }", json!({}), None).await;
    assert_eq!(bases["bases"]["totalCount"], 0, "nothing was created");

    let list = app
        .gql(
            "query($f: BaseFilter) { bases(filter: $f) { totalCount } }",
            json!({ "f": { "status": ["ACTIVE"], "search": ["x"], "regionCode": "\u{1}" } }),
            None,
        )
        .await;
    assert_eq!(error_code(&list), "BAD_USER_INPUT", "{list}");
    assert_eq!(
        list["errors"][0]["extensions"]["field"],
        json!(["variables", "f", "regionCode"])
    );
}

#[tokio::test]
async fn a_repeated_query_is_checked_against_each_requests_variables() {
    let app = TestApp::new().await;
    let query = "query($f: BaseFilter) { bases(filter: $f) { totalCount } }";

    let clean = app
        .gql(query, json!({ "f": { "search": "四平" } }), None)
        .await;
    let hostile = app
        .gql(query, json!({ "f": { "search": "四平\u{7}" } }), None)
        .await;
    let clean_again = app
        .gql(query, json!({ "f": { "search": "四平" } }), None)
        .await;

    assert_eq!(clean["data"]["bases"]["totalCount"], 0, "{clean}");
    assert_eq!(error_code(&hostile), "BAD_USER_INPUT", "{hostile}");
    assert_eq!(
        hostile["errors"][0]["extensions"]["field"],
        json!(["variables", "f", "search"])
    );
    assert_eq!(clean_again, clean);
}

#[tokio::test]
async fn tabs_and_line_breaks_are_allowed() {
    let app = TestApp::new().await;

    let body = app
        .gql(
            "query($f: BaseFilter) { bases(filter: $f) { totalCount } }",
            json!({ "f": { "search": "四平\t基地\r\n" } }),
            None,
        )
        .await;

    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["bases"]["totalCount"], 0);
}

#[tokio::test]
async fn internal_errors_carry_the_request_id() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::new().await;
    app.app
        .state
        .db
        .execute_unprepared("ALTER TABLE base RENAME TO base_gone")
        .await
        .unwrap();

    let (status, headers, bytes) = app
        .send(
            Request::post("/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-request-id", "req-4711")
                .body(Body::from(
                    json!({ "query": "{ bases { edges { node { id } } } }" }).to_string(),
                ))
                .unwrap(),
        )
        .await;
    let body: Value = serde_json::from_slice(&bytes).unwrap();

    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-request-id"], "req-4711");
    assert_eq!(error_code(&body), "INTERNAL", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["requestId"], "req-4711");
    assert_eq!(
        body["errors"][0]["message"], "internal error",
        "no internals shown"
    );
}
