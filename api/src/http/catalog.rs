//! HTTP endpoints of the catalog beside GraphQL: product images at stable, immutable URLs
//! and the published catalog as CSV for partners' systems.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{HttpState, identify, refused};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::catalog::{export, media};

/// `GET /media/{key}`: a stored image or rendition. Keys are content hashes, so a file never
/// changes: it may be cached for a year.
pub async fn media_file(State(state): State<HttpState>, Path(key): Path<String>) -> Response {
    let Some(content_type) = key
        .rsplit_once('.')
        .and_then(|(_, ext)| media::content_type_of(ext))
        .filter(|_| media::valid_key(&key))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match state.app.media.get(key).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "reading a media file failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /catalog/products.csv`: the PUBLISHED catalog for a partner's system (`X-Api-Key`)
/// or a signed-in user; anonymous requests are `UNAUTHENTICATED`. The key's rate limit
/// applies.
pub async fn products_csv(State(state): State<HttpState>, headers: HeaderMap) -> Response {
    let actor = match identify(&state.app, &headers).await {
        Ok(actor) => actor.0,
        Err(err) => return refused(err),
    };
    if matches!(actor, Actor::Anonymous) {
        return refused(AppError::Unauthenticated);
    }
    match export::products_csv(&state.app.db, &actor).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"products.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(err) => refused(err.into()),
    }
}
