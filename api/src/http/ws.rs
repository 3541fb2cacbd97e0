//! `/graphql/ws`: graphql-transport-ws (and the older graphql-ws) through async-graphql's
//! protocol handling, with the connection closed when the token it signed in with expires
//! or is revoked.

use std::future;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::http::{WebSocket as GqlWebSocket, WebSocketProtocols, WsMessage};
use async_graphql::{Data, ErrorExtensions};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::{HttpState, authenticate, caller, client_address, identify};
use crate::auth::api_key;
use crate::auth::token::AccessToken;
use crate::graphql::common::Loaders;
use crate::graphql::common::batching::Batching;
use crate::graphql::common::context::ClientAddress;

/// Close code when the connection's access token expires or is revoked (account
/// deactivated, password reset); the reason says which ("token expired", "token revoked").
/// graphql-transport-ws leaves 4400–4499 to the server; 4401 mirrors HTTP 401: refresh or
/// sign in, then reconnect.
pub const WS_TOKEN_EXPIRED: u16 = 4401;
/// How often an authenticated connection re-checks that its account still admits its token.
/// The check is served from the account state cache, so it rarely reads the database.
const RECHECK: Duration = Duration::from_secs(1);

/// Upgrades to a WebSocket. The access token goes in the `connection_init` payload as
/// `{"Authorization": "Bearer …"}` (a partner system's key as `{"X-Api-Key": "…"}`); a bad
/// one closes the connection at once.
pub async fn graphql_ws(
    State(state): State<HttpState>,
    headers: HeaderMap,
    extensions: Extensions,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(protocol) = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|p| p.trim().parse::<WebSocketProtocols>().ok())
        })
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let client = client_address(&extensions, &headers, state.app.config.trust_forwarded_for);
    upgrade
        .max_message_size(state.app.config.max_json_body_bytes)
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(state, socket, protocol, client))
}

/// The signed-in token of a connection and when it expires on this process's clock.
struct Session {
    token: AccessToken,
    expires: Instant,
}

/// Runs one connection: forwards async-graphql's messages, and closes the connection with
/// [`WS_TOKEN_EXPIRED`] when its token expires or its account stops admitting it.
async fn serve(
    state: HttpState,
    socket: WebSocket,
    protocol: WebSocketProtocols,
    client: ClientAddress,
) {
    let (mut sink, stream) = socket.split();
    let input = stream
        .take_while(|message| future::ready(message.is_ok()))
        .filter_map(|message| {
            future::ready(match message {
                Ok(message @ (Message::Text(_) | Message::Binary(_))) => Some(message.into_data()),
                _ => None,
            })
        });
    let (signed_in, mut signed_in_rx) = oneshot::channel::<AccessToken>();
    let app = state.app.clone();
    let mut output = GqlWebSocket::new(state.schema.clone(), input, protocol).on_connection_init(
        move |payload| async move {
            let mut headers = HeaderMap::new();
            let auth = payload
                .get("Authorization")
                .or_else(|| payload.get("authorization"))
                .and_then(|v| v.as_str());
            if let Some(value) = auth.and_then(|a| HeaderValue::from_str(a).ok()) {
                headers.insert(header::AUTHORIZATION, value);
            }
            let key = payload
                .get("X-Api-Key")
                .or_else(|| payload.get("x-api-key"))
                .and_then(|v| v.as_str());
            // A partner system signs in with its API key instead; the key does not expire.
            let (token, actor) = match key.and_then(|k| HeaderValue::from_str(k).ok()) {
                Some(key) => {
                    headers.insert(api_key::HEADER, key);
                    let actor = identify(&app, &headers).await.map_err(|err| err.extend())?;
                    (None, actor)
                }
                None => {
                    let token = authenticate(&app, &headers)
                        .await
                        .map_err(|err| err.extend())?;
                    let actor = caller(token.as_ref());
                    (token, actor)
                }
            };
            let mut data = Data::default();
            // Operations run inside async-graphql's connection handler, which no driver
            // wraps: their loaders wait the configured delay.
            data.insert(Arc::new(Loaders::new(
                &app.db,
                &Batching::new(app.config.dataloader_delay()),
                &actor.0,
            )));
            data.insert(actor);
            data.insert(client);
            if let Some(token) = token {
                // Fails only when the connection is already closing.
                signed_in.send(token).ok();
            }
            Ok(data)
        },
    );
    let mut session: Option<Session> = None;
    let mut waiting_for_init = true;
    let mut recheck = tokio::time::interval(RECHECK);
    let revoked = loop {
        let expires = session.as_ref().map_or_else(Instant::now, |s| s.expires);
        tokio::select! {
            message = output.next() => {
                let Some(message) = message else { break None };
                let message = match message {
                    WsMessage::Text(text) => Message::Text(text.into()),
                    WsMessage::Close(code, reason) => Message::Close(Some(CloseFrame {
                        code,
                        reason: reason.into(),
                    })),
                };
                if sink.send(message).await.is_err() {
                    break None;
                }
            }
            received = &mut signed_in_rx, if waiting_for_init => {
                waiting_for_init = false;
                if let Ok(token) = received {
                    let left = (token.expires_at - chrono::Utc::now()).to_std().unwrap_or_default();
                    session = Some(Session { token, expires: Instant::now() + left });
                }
            }
            () = tokio::time::sleep_until(expires), if session.is_some() => {
                break Some("token expired");
            }
            _ = recheck.tick(), if session.is_some() => {
                let Some(Session { token, .. }) = &session else { continue };
                match state.app.accounts.admits(token.actor.user_id, token.generation).await {
                    Ok(true) => {}
                    Ok(false) => break Some("token revoked"),
                    Err(err) => tracing::warn!(error = ?err, "re-checking a WebSocket's account failed"),
                }
            }
        }
    };
    if let Some(reason) = revoked {
        let frame = CloseFrame {
            code: WS_TOKEN_EXPIRED,
            reason: reason.into(),
        };
        sink.send(Message::Close(Some(frame))).await.ok();
    }
}
