//! Subscriptions on `/graphql/ws`: `livestreamRecorded` and `inquiryUpdated` deliver only
//! what the subscriber may see, an expired token closes a live subscription, and events reach
//! subscribers of every server process (through PostgreSQL when several share it).

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::catalog::{World, create_key, create_partner, key_data};
use crate::sessions::closed_by_server;
use crate::star::{network, star_of, trainee};
use crate::star_livestream::{record, stream};
use crate::support::TestApp;

const RECORDED: &str = "subscription($base: ID) { livestreamRecorded(baseId: $base) { id sales star { trainee { name } } } }";
const INQUIRY: &str = "subscription { inquiryUpdated { id status quantity partner { name } } }";
const CREATE_INQUIRY: &str = "mutation($i: CreateInquiryInput!) { createInquiry(input: $i) { inquiry { id } userErrors { field code message } } }";
const RESPOND: &str = "mutation($i: RespondInquiryInput!) { respondToInquiry(input: $i) { userErrors { field code message } } }";

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The app on a loopback port.
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

/// A graphql-transport-ws connection signed in with `payload` (`Authorization` or
/// `X-Api-Key`), subscribed to `query`.
async fn subscribed(address: SocketAddr, payload: Value, query: &str, variables: Value) -> Socket {
    let mut request = format!("ws://{address}/graphql/ws")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let mut ws = tokio_tungstenite::connect_async(request).await.unwrap().0;
    let init = json!({ "type": "connection_init", "payload": payload });
    ws.send(Message::Text(init.to_string().into()))
        .await
        .unwrap();
    let ack = next(&mut ws, Duration::from_secs(10)).await;
    assert_eq!(
        ack.as_ref().map(|a| a["type"].clone()),
        Some(json!("connection_ack"))
    );
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables } });
    ws.send(Message::Text(subscribe.to_string().into()))
        .await
        .unwrap();
    // The subscription is registered once the server has read the message; a ping answered
    // after it proves that.
    ws.send(Message::Text(json!({ "type": "ping" }).to_string().into()))
        .await
        .unwrap();
    let pong = next(&mut ws, Duration::from_secs(10)).await;
    assert_eq!(
        pong.as_ref().map(|p| p["type"].clone()),
        Some(json!("pong")),
        "{pong:?}"
    );
    ws
}

fn bearer(token: &str) -> Value {
    json!({ "Authorization": format!("Bearer {token}") })
}

/// The next JSON message within `limit`, or None.
async fn next(ws: &mut Socket, limit: Duration) -> Option<Value> {
    loop {
        match tokio::time::timeout(limit, ws.next()).await {
            Err(_) => return None,
            Ok(Some(Ok(Message::Text(text)))) => return Some(serde_json::from_str(&text).unwrap()),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => {}
            Ok(other) => panic!("unexpected: {other:?}"),
        }
    }
}

/// The payload of the next `next` message.
async fn delivered(ws: &mut Socket) -> Value {
    let message = next(ws, Duration::from_secs(10))
        .await
        .expect("an event arrives");
    assert_eq!(message["type"], "next", "{message}");
    message["payload"]["data"].clone()
}

/// Asserts that nothing arrives for a while.
async fn quiet(ws: &mut Socket) {
    let message = next(ws, Duration::from_millis(700)).await;
    assert!(message.is_none(), "unexpected: {message:?}");
}

#[tokio::test]
async fn a_subscriber_of_base_a_receives_livestreams_of_base_a_only() {
    let n = network().await;
    let at_a = star_of(
        &n.app,
        &n.manager_a,
        &trainee(&n.app, &n.manager_a, &n.base_a, "甲直播", 51).await,
    )
    .await;
    let at_b = star_of(
        &n.app,
        &n.manager_b,
        &trainee(&n.app, &n.manager_b, &n.base_b, "乙直播", 52).await,
    )
    .await;
    let (address, server) = serve(&n.app).await;
    let mut manager_a = subscribed(address, bearer(&n.manager_a), RECORDED, json!({})).await;
    let mut admin_b = subscribed(
        address,
        bearer(&n.admin),
        RECORDED,
        json!({ "base": n.base_b }),
    )
    .await;

    let from_b = record(
        &n.app,
        &n.manager_b,
        stream(&at_b, "2026-09-01T10:00:00Z", 10, 1, "2.00"),
    )
    .await;
    let from_a = record(
        &n.app,
        &n.manager_a,
        stream(&at_a, "2026-09-01T11:00:00Z", 10, 1, "1.00"),
    )
    .await;

    let first_at_a = delivered(&mut manager_a).await;
    assert_eq!(
        first_at_a["livestreamRecorded"],
        json!({ "id": from_a["livestream"]["id"], "sales": "1.00", "star": { "trainee": { "name": "甲直播" } } })
    );
    quiet(&mut manager_a).await;
    let first_for_b = delivered(&mut admin_b).await;
    assert_eq!(
        first_for_b["livestreamRecorded"]["id"],
        from_b["livestream"]["id"]
    );
    quiet(&mut admin_b).await;
    server.abort();
}

#[tokio::test]
async fn roles_that_may_not_read_stars_cannot_subscribe_to_livestreams() {
    let n = network().await;
    let (address, server) = serve(&n.app).await;
    let instructor = n.app.login("teacher-a", "teacher-password-123").await.0;

    let mut ws = {
        let mut request = format!("ws://{address}/graphql/ws")
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        tokio_tungstenite::connect_async(request).await.unwrap().0
    };
    let init = json!({ "type": "connection_init", "payload": bearer(&instructor) });
    ws.send(Message::Text(init.to_string().into()))
        .await
        .unwrap();
    assert_eq!(
        next(&mut ws, Duration::from_secs(10)).await.unwrap()["type"],
        "connection_ack"
    );
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": RECORDED } });
    ws.send(Message::Text(subscribe.to_string().into()))
        .await
        .unwrap();

    let answer = next(&mut ws, Duration::from_secs(10)).await.unwrap();
    assert_eq!(answer["type"], "next", "{answer}");
    assert_eq!(answer["payload"]["data"], json!(null));
    assert_eq!(
        answer["payload"]["errors"][0]["extensions"]["code"],
        "FORBIDDEN"
    );
    server.abort();
}

#[tokio::test]
async fn an_expired_token_closes_a_live_subscription() {
    let app = TestApp::with_args(&["--access-token-ttl", "2"]).await;
    let admin = app.admin_of("220300").await;
    let (address, server) = serve(&app).await;
    let mut ws = subscribed(address, bearer(&admin), RECORDED, json!({})).await;

    let (code, reason) = closed_by_server(&mut ws, Duration::from_secs(10)).await;

    assert_eq!(code, qihang::http::WS_TOKEN_EXPIRED);
    assert_eq!(code, 4401);
    assert_eq!(reason, "token expired");
    server.abort();
}

#[tokio::test]
async fn a_partner_subscriber_receives_only_its_own_inquiries() {
    let w = World::new().await;
    let product = w.published("吉兴木耳", "20.00").await;
    let mine = create_partner(&w.app, &w.admin, "吉品优选").await;
    let other = create_partner(&w.app, &w.admin, "长春物流").await;
    let (_, my_key) = create_key(&w.app, &w.admin, &mine).await;
    let (_, other_key) = create_key(&w.app, &w.admin, &other).await;
    let (address, server) = serve(&w.app).await;
    let mut partner = subscribed(address, json!({ "X-Api-Key": my_key }), INQUIRY, json!({})).await;
    let mut base = subscribed(address, bearer(&w.manager), INQUIRY, json!({})).await;
    let inquire = |key: String, quantity: i64| {
        let (app, product) = (&w.app, product.clone());
        async move {
            let data = key_data(
                app,
                &key,
                CREATE_INQUIRY,
                json!({ "i": { "productId": product, "quantity": quantity } }),
            )
            .await;
            assert_eq!(data["createInquiry"]["userErrors"], json!([]));
            data["createInquiry"]["inquiry"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };

    let theirs = inquire(other_key.clone(), 7).await;
    let ours = inquire(my_key.clone(), 30).await;
    let first = delivered(&mut partner).await;
    assert_eq!(
        first["inquiryUpdated"],
        json!({ "id": ours, "status": "OPEN", "quantity": 30, "partner": { "name": "吉品优选" } })
    );
    for id in [&theirs, &ours] {
        let data = w
            .app
            .data(
                RESPOND,
                json!({ "i": { "inquiryId": id, "accept": true } }),
                Some(&w.manager),
            )
            .await;
        assert_eq!(data["respondToInquiry"]["userErrors"], json!([]));
    }
    let answered = delivered(&mut partner).await;
    assert_eq!(answered["inquiryUpdated"]["id"], ours);
    assert_eq!(answered["inquiryUpdated"]["status"], "ACCEPTED");
    quiet(&mut partner).await;

    // The base hears of every inquiry on its products: two new, two answered. An event shows
    // the inquiry as it stands when delivered, so a creation delivered after the answer
    // already shows ACCEPTED; the last word on each is the answer.
    let mut seen = Vec::new();
    for _ in 0..4 {
        let data = delivered(&mut base).await;
        seen.push((
            data["inquiryUpdated"]["id"].as_str().unwrap().to_owned(),
            data["inquiryUpdated"]["status"]
                .as_str()
                .unwrap()
                .to_owned(),
        ));
    }
    for id in [&theirs, &ours] {
        let statuses: Vec<&str> = seen
            .iter()
            .filter(|(seen_id, _)| seen_id == id)
            .map(|(_, status)| status.as_str())
            .collect();
        assert_eq!(statuses.len(), 2, "{seen:?}");
        assert_eq!(statuses[1], "ACCEPTED", "{seen:?}");
        assert!(["OPEN", "ACCEPTED"].contains(&statuses[0]), "{seen:?}");
    }
    assert_eq!(
        seen[0].0, theirs,
        "inquiries arrive in the order they were made"
    );
    server.abort();
}

/// With PostgreSQL, two server processes on one database (two apps, each with its own
/// listening connection): a livestream recorded through the first reaches a subscriber of the
/// second. SQLite serves one process, so there the recording and subscribing process is the
/// same and the in-process broadcast delivers.
#[tokio::test]
async fn a_livestream_recorded_through_one_process_reaches_subscribers_of_another() {
    let n = network().await;
    let star = star_of(
        &n.app,
        &n.manager_a,
        &trainee(&n.app, &n.manager_a, &n.base_a, "跨进程", 53).await,
    )
    .await;
    let postgres = std::env::var("TEST_DATABASE_URL").is_ok();
    let second = if postgres {
        Some(n.app.reopened(&[]).await)
    } else {
        None
    };
    let subscribed_to = second.as_ref().unwrap_or(&n.app);
    let (address, server) = serve(subscribed_to).await;
    let mut ws = subscribed(address, bearer(&n.manager_a), RECORDED, json!({})).await;

    let recorded = record(
        &n.app,
        &n.manager_a,
        stream(&star, "2026-09-02T10:00:00Z", 20, 2, "8.80"),
    )
    .await;

    let data = delivered(&mut ws).await;
    assert_eq!(
        data["livestreamRecorded"]["id"],
        recorded["livestream"]["id"]
    );
    assert_eq!(data["livestreamRecorded"]["sales"], "8.80");
    server.abort();
}
