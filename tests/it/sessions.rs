//! Session lifetimes: refresh tokens end a fixed time after the login, expired ones are
//! purged, and WebSocket connections close when their access token expires.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use entity::{login_throttle, refresh_token};
use futures_util::{SinkExt, StreamExt};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::support::{ROOT_LOGIN, ROOT_PASSWORD, TestApp, error_code};

const REFRESH: &str = "mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken refreshToken userErrors { code } } }";

async fn expiries(app: &TestApp) -> Vec<chrono::DateTime<chrono::Utc>> {
    refresh_token::Entity::find()
        .all(&app.app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.expires_at)
        .collect()
}

#[tokio::test]
async fn rotation_keeps_the_expiry_of_the_login() {
    let app = TestApp::with_args(&["--refresh-token-ttl", "4"]).await;
    let signed_in = Instant::now();
    let (_, first) = app.login(ROOT_LOGIN, ROOT_PASSWORD).await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    let rotated = app.data(REFRESH, json!({ "t": first }), None).await;
    let second = rotated["refreshToken"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let stored = expiries(&app).await;
    assert_eq!(stored.len(), 2);
    assert_eq!(
        stored[0], stored[1],
        "the new token ends when the login's first one does"
    );

    tokio::time::sleep((Duration::from_millis(4500)).saturating_sub(signed_in.elapsed())).await;
    let late = app.gql(REFRESH, json!({ "t": second }), None).await;
    assert_eq!(
        error_code(&late),
        "UNAUTHENTICATED",
        "no sliding past the session's lifetime: {late}"
    );
}

#[tokio::test]
async fn expired_refresh_tokens_and_stale_login_counters_are_purged() {
    let long_lived = TestApp::new().await;
    let app = long_lived
        .reopened(&[
            "--refresh-token-ttl",
            "1",
            "--login-window",
            "1",
            "--purge-interval",
            "1",
        ])
        .await;
    let db = &app.app.state.db;
    app.login(ROOT_LOGIN, ROOT_PASSWORD).await;
    app.login(ROOT_LOGIN, ROOT_PASSWORD).await;
    let (_, kept) = long_lived.login(ROOT_LOGIN, ROOT_PASSWORD).await;
    let failed = app
        .data(
            "mutation { login(input: { login: \"nobody\", password: \"wrong-password\" }) { userErrors { code } } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(failed["login"]["userErrors"][0]["code"], "INVALID");
    assert_eq!(refresh_token::Entity::find().count(db).await.unwrap(), 3);
    assert_eq!(login_throttle::Entity::find().count(db).await.unwrap(), 1);

    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let tokens = refresh_token::Entity::find().count(db).await.unwrap();
        let counters = login_throttle::Entity::find().count(db).await.unwrap();
        if tokens == 1 && counters == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not purged: {tokens} tokens, {counters} counters"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let remaining = refresh_token::Entity::find()
        .filter(refresh_token::Column::ExpiresAt.gt(chrono::Utc::now()))
        .count(db)
        .await
        .unwrap();
    assert_eq!(remaining, 1, "the unexpired session is kept");
    let still = long_lived.data(REFRESH, json!({ "t": kept }), None).await;
    assert!(still["refreshToken"]["accessToken"].is_string());
}

/// A real server on a loopback port, with the peer address known as in production.
async fn serve(app: &TestApp) -> (SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let service = app
        .app
        .router
        .clone()
        .into_make_service_with_connect_info::<SocketAddr>();
    (
        address,
        tokio::spawn(axum::serve(listener, service).into_future()),
    )
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a graphql-transport-ws connection signed in with `token`.
pub async fn signed_in_socket(address: SocketAddr, token: &str) -> Socket {
    let mut request = format!("ws://{address}/graphql/ws")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let mut ws = tokio_tungstenite::connect_async(request).await.unwrap().0;
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    ws.send(Message::Text(init.to_string().into()))
        .await
        .unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "connection_ack");
    ws
}

async fn next_json(ws: &mut Socket) -> Value {
    match ws.next().await {
        Some(Ok(Message::Text(text))) => serde_json::from_str(&text).unwrap(),
        other => json!({ "other": format!("{other:?}") }),
    }
}

/// Waits (at most `limit`) for the server to close the connection; returns code and reason.
pub async fn closed_by_server(ws: &mut Socket, limit: Duration) -> (u16, String) {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => panic!("the connection stayed open"),
            Ok(Some(Ok(Message::Close(Some(frame))))) => {
                return (u16::from(frame.code), frame.reason.to_string());
            }
            Ok(Some(Ok(_))) => {}
            Ok(other) => panic!("closed without a close frame: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_websocket_is_closed_when_its_token_expires() {
    let app = TestApp::with_args(&["--access-token-ttl", "2"]).await;
    // `exp` is in whole seconds, so a 2-second token lives more than 1 second.
    let before_login = Instant::now();
    let (token, _) = app.login(ROOT_LOGIN, ROOT_PASSWORD).await;
    let (address, server) = serve(&app).await;

    let mut ws = signed_in_socket(address, &token).await;
    let subscribe =
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ me { login } }" } });
    ws.send(Message::Text(subscribe.to_string().into()))
        .await
        .unwrap();
    let answer = next_json(&mut ws).await;
    assert_eq!(
        answer["payload"]["data"]["me"]["login"], ROOT_LOGIN,
        "{answer}"
    );

    let (code, reason) = closed_by_server(&mut ws, Duration::from_secs(10)).await;

    assert_eq!(code, qihang::http::WS_TOKEN_EXPIRED);
    assert_eq!(CloseCode::from(code), CloseCode::Library(4401));
    assert_eq!(reason, "token expired");
    assert!(
        before_login.elapsed() >= Duration::from_secs(1),
        "closed at expiry, not before: {:?}",
        before_login.elapsed()
    );
    server.abort();
}
