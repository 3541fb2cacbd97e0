//! GraphQL over HTTP: the media type a client accepts, the shape of a request's parameters
//! (POST body or GET query string) and the response with its status.

use async_graphql::{BatchRequest, BatchResponse, Request as GqlRequest};
use axum::extract::Query;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::graphql::guard::is_request_error;

/// The media type of a GraphQL response (GraphQL over HTTP), chosen by the `Accept` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// `application/json`: the legacy type, and the default. Every GraphQL result is 200.
    Json,
    /// `application/graphql-response+json`: a request error (nothing executed) is 400.
    GraphqlResponse,
}

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

impl Media {
    /// `application/graphql-response+json` when the client names it at least as strongly as
    /// `application/json`; `application/json` otherwise (no `Accept`, `*/*`, anything else).
    pub fn from_accept(headers: &HeaderMap) -> Media {
        let mut graphql = 0.0f32;
        let mut json = 0.0f32;
        for value in headers.get_all(header::ACCEPT) {
            let Ok(value) = value.to_str() else { continue };
            for range in value.split(',') {
                let mut parts = range.split(';');
                let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
                let q = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                match essence.as_str() {
                    GRAPHQL_RESPONSE_JSON => graphql = graphql.max(q),
                    "application/json" | "application/*" | "*/*" => json = json.max(q),
                    _ => {}
                }
            }
        }
        if graphql > 0.0 && graphql >= json {
            Media::GraphqlResponse
        } else {
            Media::Json
        }
    }

    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::Json => "application/json; charset=utf-8",
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
        })
    }
}

/// The HTTP response for executed GraphQL: a request error has no `data` and, when the client
/// accepts `application/graphql-response+json`, status 400; everything else is 200.
pub fn graphql_response(batch: BatchResponse, media: Media) -> Response {
    let cache_control = batch
        .is_ok()
        .then(|| batch.cache_control().value())
        .flatten();
    let headers = batch.http_headers();
    let (status, body) = match &batch {
        BatchResponse::Single(response) => {
            let status = if media == Media::GraphqlResponse && is_request_error(response) {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            (status, serde_json::to_string(&Answer(response)))
        }
        BatchResponse::Batch(responses) => (
            StatusCode::OK,
            serde_json::to_string(&responses.iter().map(Answer).collect::<Vec<_>>()),
        ),
    };
    let body = body.unwrap_or_else(|err| {
        tracing::error!(error = %err, "serialising a GraphQL response failed");
        json!({ "errors": [{ "message": "internal error", "extensions": { "code": "INTERNAL" } }] })
            .to_string()
    });
    let mut response = (status, body).into_response();
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_TYPE, media.content_type());
    if let Some(value) = cache_control.and_then(|v| HeaderValue::from_str(&v).ok()) {
        response_headers.insert(header::CACHE_CONTROL, value);
    }
    response_headers.extend(headers);
    response
}

/// A response as GraphQL over HTTP has it: a request error has no `data` entry at all.
struct Answer<'a>(&'a async_graphql::Response);

impl serde::Serialize for Answer<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let response = self.0;
        if !is_request_error(response) {
            return response.serialize(serializer);
        }
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("errors", &response.errors)?;
        if !response.extensions.is_empty() {
            map.serialize_entry("extensions", &response.extensions)?;
        }
        map.end()
    }
}

/// One GraphQL request from its JSON form (a POST body item, or GET parameters): `query` must
/// be a string, `operationName` a string or null, `variables` and `extensions` objects or null.
pub fn request_from_json(value: serde_json::Value) -> Result<GqlRequest, String> {
    let Some(object) = value.as_object() else {
        return Err("a GraphQL request is a JSON object".to_owned());
    };
    if !object
        .get("query")
        .is_some_and(serde_json::Value::is_string)
    {
        return Err("`query` must be a string holding the GraphQL document".to_owned());
    }
    if !object
        .get("operationName")
        .is_none_or(|v| v.is_string() || v.is_null())
    {
        return Err("`operationName` must be a string".to_owned());
    }
    for name in ["variables", "extensions"] {
        if !object
            .get(name)
            .is_none_or(|v| v.is_object() || v.is_null())
        {
            return Err(format!("`{name}` must be an object"));
        }
    }
    serde_json::from_value(value).map_err(|err| err.to_string())
}

/// `Content-Type` of a request, lowercased without parameters.
pub fn essence(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// A JSON body: one request object, or an array of them (a batch).
pub fn json_batch(body: &[u8]) -> Result<BatchRequest, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|err| format!("the body is not JSON: {err}"))?;
    match value {
        serde_json::Value::Array(items) if !items.is_empty() => items
            .into_iter()
            .map(request_from_json)
            .collect::<Result<Vec<_>, _>>()
            .map(BatchRequest::Batch),
        serde_json::Value::Array(_) => Err("an empty batch".to_owned()),
        single => request_from_json(single).map(BatchRequest::Single),
    }
}

/// A GET request's parameters (`query`, `operationName`, and `variables` and `extensions` as
/// JSON text), checked like a POST body.
pub fn get_request(uri: &axum::http::Uri) -> Result<GqlRequest, String> {
    let Query(params) = Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map_err(|err| format!("malformed query string: {err}"))?;
    let mut object = serde_json::Map::new();
    for (name, value) in params {
        let value = match name.as_str() {
            "query" | "operationName" => serde_json::Value::String(value),
            "variables" | "extensions" => serde_json::from_str(&value)
                .map_err(|err| format!("`{name}` is not JSON: {err}"))?,
            _ => continue,
        };
        object.insert(name, value);
    }
    request_from_json(serde_json::Value::Object(object))
}
