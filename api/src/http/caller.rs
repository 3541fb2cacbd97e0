//! Who is calling over HTTP: the PARTNER of an `X-Api-Key` or the access token of the
//! `Authorization` header, checked in full before anything runs, and the client's network
//! address.

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::transport_error;
use crate::auth::token::AccessToken;
use crate::auth::{Actor, api_key};
use crate::error::AppError;
use crate::graphql::common::context::{ClientAddress, RequestActor};
use crate::state::AppState;

/// The access token of the `Authorization` header: None (anonymous) without one.
/// `UNAUTHENTICATED` for a malformed, expired or revoked token (its account deactivated or
/// its password reset) and for other schemes: the whole request then fails with 401.
pub(super) async fn authenticate(
    app: &AppState,
    headers: &HeaderMap,
) -> Result<Option<AccessToken>, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .ok_or(AppError::Unauthenticated)?;
    let access = app.keys.verify(token.trim())?;
    if app
        .accounts
        .admits(access.actor.user_id, access.generation)
        .await?
    {
        Ok(Some(access))
    } else {
        Err(AppError::Unauthenticated)
    }
}

/// The caller an access token names.
pub(super) fn caller(token: Option<&AccessToken>) -> RequestActor {
    RequestActor(token.map_or(Actor::Anonymous, |t| Actor::User(t.actor.clone())))
}

/// The caller of a request: the PARTNER of an `X-Api-Key` (see `auth::api_key`), else the
/// user of a bearer token, else anonymous. A request carrying both is refused: which one
/// it meant is unclear.
pub async fn identify(app: &AppState, headers: &HeaderMap) -> Result<RequestActor, AppError> {
    match headers.get(api_key::HEADER) {
        Some(_) if headers.contains_key(header::AUTHORIZATION) => Err(AppError::Unauthenticated),
        Some(key) => {
            let key = key.to_str().map_err(|_| AppError::Unauthenticated)?;
            Ok(RequestActor(app.api_keys.authenticate(&app.db, key).await?))
        }
        None => Ok(caller(authenticate(app, headers).await?.as_ref())),
    }
}

/// The answer to a request whose credentials were refused: 401 with `UNAUTHENTICATED` (and
/// a `WWW-Authenticate` challenge), or 500 when they could not be checked.
pub fn refused(err: AppError) -> Response {
    match err {
        AppError::Unauthenticated => {
            let mut response = transport_error(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "the access token or API key is malformed, expired or revoked",
            );
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            response
        }
        AppError::RateLimited { retry_after_secs } => {
            let message =
                format!("too many requests for this API key, retry in {retry_after_secs} s");
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                Json(json!({ "errors": [{ "message": message, "extensions": {
                    "code": "RATE_LIMITED", "retryAfter": retry_after_secs } }] })),
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            response
        }
        other => {
            tracing::error!(error = ?other, "checking credentials failed");
            transport_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            )
        }
    }
}

/// The client's address: the TCP peer (axum's `ConnectInfo`, set by `main`), or with
/// `QIHANG_TRUST_FORWARDED_FOR` the last `X-Forwarded-For` entry, which the one trusted proxy
/// in front appended. A router driven without a socket (the tests' `oneshot`) has none:
/// such requests share one per-address allowance.
pub(super) fn client_address(
    extensions: &Extensions,
    headers: &HeaderMap,
    trust_forwarded: bool,
) -> ClientAddress {
    let forwarded = trust_forwarded
        .then(|| {
            headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .last()
                .and_then(|a| a.trim().parse::<IpAddr>().ok())
        })
        .flatten();
    ClientAddress(forwarded.or_else(|| {
        extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
    }))
}
