//! The HTTP surface: `/graphql` (GET for queries, POST), `/graphql/ws`, GraphiQL, health,
//! readiness and metrics, behind request ids, tracing, CORS, compression and body limits.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::http::{GraphiQLSource, MultipartOptions};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{BatchRequest, BatchResponse, Data, Executor, Request as GqlRequest};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath, Query, State, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::auth::Actor;
use crate::graphql::common::Loaders;
use crate::graphql::common::context::{RequestActor, RequestId};
use crate::graphql::guard::is_request_error;
use crate::graphql::{Gateway, QihangSchema};
use crate::state::AppState;
use crate::telemetry::HttpLabels;

/// What the handlers share.
#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    /// The schema behind its gate: every transport executes through it.
    pub schema: Gateway,
}

/// Headers a browser client may send; a multipart upload must carry one of the preflight
/// headers so that a plain HTML form on another site cannot submit it (CSRF).
const PREFLIGHT_HEADERS: [&str; 3] = [
    "apollo-require-preflight",
    "x-apollo-operation-name",
    "graphql-preflight",
];

/// The whole router.
pub fn router(app: AppState, schema: QihangSchema) -> Router {
    let config = app.config.clone();
    let schema = Gateway::new(schema, &config);
    let state = HttpState { app, schema };
    let mut router = Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphql/ws", get(graphql_ws))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/templates/trainees.xlsx", get(trainee_template));
    if config.graphiql_enabled() {
        router = router
            .route("/", get(graphiql))
            .route("/graphiql", get(graphiql));
    }
    router
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), track_metrics))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                    let request_id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", %request_id, method = %request.method(), path = %request.uri().path())
                }))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(cors(&config.cors_origins))
                .layer(CompressionLayer::new()),
        )
}

fn cors(origins: &[String]) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-api-key"),
            header::HeaderName::from_static("apollo-require-preflight"),
            header::HeaderName::from_static("graphql-preflight"),
        ])
        .expose_headers([header::HeaderName::from_static("x-request-id")])
        .max_age(Duration::from_secs(600));
    if origins.iter().any(|o| o.trim() == "*") {
        layer.allow_origin(Any)
    } else {
        let list: Vec<HeaderValue> = origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
            .collect();
        layer.allow_origin(AllowOrigin::list(list))
    }
}

async fn track_metrics(
    State(state): State<HttpState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    let metrics = &state.app.metrics;
    metrics
        .http_duration
        .observe(started.elapsed().as_secs_f64());
    metrics
        .http_requests
        .get_or_create(&HttpLabels {
            method,
            path,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// A GraphQL-shaped error response outside of execution (transport problems).
fn transport_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })),
    )
        .into_response()
}

/// The caller named by the `Authorization` header: anonymous without one; an error for a
/// bad, expired or non-Bearer one.
fn authenticate(app: &AppState, headers: &HeaderMap) -> RequestActor {
    match headers.get(header::AUTHORIZATION) {
        None => RequestActor(Ok(Actor::Anonymous)),
        Some(value) => {
            let token = value.to_str().ok().and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            });
            RequestActor(match token {
                Some(token) => app.keys.verify(token.trim()).map_err(|_| ()),
                None => Err(()),
            })
        }
    }
}

fn request_id(headers: &HeaderMap) -> RequestId {
    RequestId(
        headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
    )
}

/// Adds the caller, fresh loaders and the request id to one GraphQL request.
fn prepare(
    app: &AppState,
    actor: &RequestActor,
    id: &RequestId,
    request: GqlRequest,
) -> GqlRequest {
    request
        .data(actor.clone())
        .data(id.clone())
        .data(Arc::new(Loaders::new(
            &app.db,
            app.config.dataloader_delay(),
            actor.0.as_ref().unwrap_or(&Actor::Anonymous),
        )))
}

/// The media type of a GraphQL response (GraphQL over HTTP), chosen by the `Accept` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    /// `application/json`: the legacy type, and the default. Every GraphQL result is 200.
    Json,
    /// `application/graphql-response+json`: a request error (nothing executed) is 400.
    GraphqlResponse,
}

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

impl Media {
    /// `application/graphql-response+json` when the client names it at least as strongly as
    /// `application/json`; `application/json` otherwise (no `Accept`, `*/*`, anything else).
    fn from_accept(headers: &HeaderMap) -> Media {
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
fn graphql_response(batch: BatchResponse, media: Media) -> Response {
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
fn request_from_json(value: serde_json::Value) -> Result<GqlRequest, String> {
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
fn essence(headers: &HeaderMap) -> String {
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

async fn graphql_post(State(state): State<HttpState>, request: Request<Body>) -> Response {
    let headers = request.headers().clone();
    let media = Media::from_accept(&headers);
    let config = &state.app.config;
    // Only uploads may be large; every other request is small JSON.
    let multipart = match essence(&headers).as_str() {
        "application/json" | GRAPHQL_RESPONSE_JSON => false,
        "multipart/form-data" => {
            if !PREFLIGHT_HEADERS.iter().any(|h| headers.contains_key(*h)) {
                return transport_error(
                    StatusCode::BAD_REQUEST,
                    "BAD_USER_INPUT",
                    "multipart requests must carry the `apollo-require-preflight` header",
                );
            }
            true
        }
        _ => {
            return transport_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "BAD_USER_INPUT",
                "send GraphQL requests as application/json (or multipart/form-data for uploads)",
            );
        }
    };
    let limit = if multipart {
        config.max_body_bytes
    } else {
        config.max_json_body_bytes
    };
    let body = match axum::body::to_bytes(request.into_body(), limit).await {
        Ok(body) => body,
        Err(_) => {
            return transport_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BAD_USER_INPUT",
                &format!("request body too large: at most {limit} bytes"),
            );
        }
    };
    let batch = if multipart {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let options = MultipartOptions::default()
            .max_file_size(config.max_body_bytes)
            .max_num_files(4);
        async_graphql::http::receive_batch_body(content_type, &body[..], options)
            .await
            .map_err(|err| err.to_string())
    } else {
        json_batch(&body)
    };
    let batch = match batch {
        Ok(batch) => batch,
        Err(message) => {
            return transport_error(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &message);
        }
    };
    let actor = authenticate(&state.app, &headers);
    let id = request_id(&headers);
    let batch = match batch {
        BatchRequest::Single(request) => {
            BatchRequest::Single(prepare(&state.app, &actor, &id, request))
        }
        BatchRequest::Batch(requests) => {
            if requests.len() > config.max_batch {
                return transport_error(
                    StatusCode::BAD_REQUEST,
                    "BAD_USER_INPUT",
                    &format!("a batch may hold at most {} operations", config.max_batch),
                );
            }
            BatchRequest::Batch(
                requests
                    .into_iter()
                    .map(|r| prepare(&state.app, &actor, &id, r))
                    .collect(),
            )
        }
    };
    graphql_response(state.schema.execute_batch(batch).await, media)
}

/// A JSON body: one request object, or an array of them (a batch).
fn json_batch(body: &[u8]) -> Result<BatchRequest, String> {
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

/// GET runs queries only: a mutation over GET could be triggered by a link or an image tag.
async fn graphql_get(State(state): State<HttpState>, request: Request<Body>) -> Response {
    let media = Media::from_accept(request.headers());
    let limit = state.app.config.max_json_body_bytes;
    if request.uri().query().map_or(0, str::len) > limit {
        return transport_error(
            StatusCode::URI_TOO_LONG,
            "BAD_USER_INPUT",
            &format!("query string too long: at most {limit} bytes; send large requests with POST"),
        );
    }
    let gql = match get_request(request.uri()) {
        Ok(gql) => gql,
        Err(message) => {
            return transport_error(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &message);
        }
    };
    if let Ok(document) = async_graphql::parser::parse_query(&gql.query) {
        let operation_type = match (&document.operations, gql.operation_name.as_deref()) {
            (DocumentOperations::Single(op), _) => Some(op.node.ty),
            (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
            (DocumentOperations::Multiple(ops), None) => ops
                .values()
                .any(|op| op.node.ty != OperationType::Query)
                .then_some(OperationType::Mutation),
        };
        if matches!(
            operation_type,
            Some(OperationType::Mutation | OperationType::Subscription)
        ) {
            let mut response = transport_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "BAD_USER_INPUT",
                "mutations must be sent with POST",
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return response;
        }
    }
    let headers = request.headers();
    let actor = authenticate(&state.app, headers);
    let gql = prepare(&state.app, &actor, &request_id(headers), gql);
    graphql_response(state.schema.execute(gql).await.into(), media)
}

/// A GET request's parameters (`query`, `operationName`, and `variables` and `extensions` as
/// JSON text), checked like a POST body.
fn get_request(uri: &axum::http::Uri) -> Result<GqlRequest, String> {
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

/// graphql-transport-ws (and the older graphql-ws). The access token goes in the
/// `connection_init` payload as `{"Authorization": "Bearer …"}`.
async fn graphql_ws(
    State(state): State<HttpState>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let schema = state.schema.clone();
    upgrade
        .max_message_size(state.app.config.max_json_body_bytes)
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let mut headers = HeaderMap::new();
                    let auth = payload
                        .get("Authorization")
                        .or_else(|| payload.get("authorization"))
                        .and_then(|v| v.as_str());
                    if let Some(value) = auth.and_then(|a| HeaderValue::from_str(a).ok()) {
                        headers.insert(header::AUTHORIZATION, value);
                    }
                    let actor = authenticate(&state.app, &headers);
                    let Ok(caller) = actor.0.clone() else {
                        return Err(async_graphql::ErrorExtensions::extend(
                            &crate::error::AppError::Unauthenticated,
                        ));
                    };
                    let mut data = Data::default();
                    data.insert(actor);
                    data.insert(Arc::new(Loaders::new(
                        &state.app.db,
                        state.app.config.dataloader_delay(),
                        &caller,
                    )));
                    Ok(data)
                })
                .serve()
        })
}

async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .title("启航 Qihang GraphQL")
            .finish(),
    )
}

/// The spreadsheet template for `importTrainees`.
async fn trainee_template() -> Response {
    match crate::service::trainee::import_file::template_xlsx() {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"trainees.xlsx\"; filename*=UTF-8''%E5%AD%A6%E5%91%98%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx",
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "building the import template failed");
            transport_error(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "internal error")
        }
    }
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<HttpState>) -> Response {
    match state.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

async fn metrics(State(state): State<HttpState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.app.metrics.render(),
    )
        .into_response()
}
