//! The HTTP surface: `/graphql` (GET for queries, POST), `/graphql/ws`, GraphiQL, health,
//! readiness, metrics and spreadsheet exports (`exports`), behind request ids, tracing, CORS, compression and body limits.
//! GraphQL over HTTP details live in `protocol`, the GraphiQL page and assets in `graphiql`.

use std::sync::Arc;
use std::time::{Duration, Instant};

mod graphiql;
mod protocol;

use async_graphql::http::MultipartOptions;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{BatchRequest, Executor, Request as GqlRequest};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath, State};
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::graphql::common::Loaders;
use crate::graphql::common::batching::Batching;
use crate::graphql::common::context::{ClientAddress, RequestActor, RequestId};
use crate::graphql::{Gateway, QihangSchema};
use crate::state::AppState;
use crate::telemetry::HttpLabels;
use protocol::{GRAPHQL_RESPONSE_JSON, Media, essence, get_request, graphql_response, json_batch};

mod caller;
mod catalog;
mod exports;
mod ws;

use caller::{authenticate, caller, client_address};
pub use caller::{identify, refused};
pub use ws::WS_TOKEN_EXPIRED;

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
        .route("/graphql/ws", get(ws::graphql_ws))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/templates/trainees.xlsx", get(trainee_template))
        .route("/media/{key}", get(catalog::media_file))
        .route("/catalog/products.csv", get(catalog::products_csv))
        .route("/reports/{region_code}/{file}", get(exports::region_report))
        .route("/exports/trainees.xlsx", get(exports::trainee_roster));
    if config.graphiql_enabled() {
        router = router
            .route("/", get(graphiql::page))
            .route("/graphiql", get(graphiql::page))
            .route(
                &format!("{}/{{tag}}/{{file}}", graphiql::ASSETS_PATH),
                get(graphiql::asset),
            );
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

fn request_id(headers: &HeaderMap) -> RequestId {
    RequestId(
        headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
    )
}

/// Adds the caller, its address, fresh loaders on `batching`'s clock and the request id to one
/// GraphQL request.
fn prepare(
    app: &AppState,
    batching: &Arc<Batching>,
    actor: &RequestActor,
    client: ClientAddress,
    id: &RequestId,
    request: GqlRequest,
) -> GqlRequest {
    request
        .data(actor.clone())
        .data(client)
        .data(id.clone())
        .data(Arc::new(Loaders::new(&app.db, batching, &actor.0)))
}

async fn graphql_post(State(state): State<HttpState>, request: Request<Body>) -> Response {
    let headers = request.headers().clone();
    let client = client_address(
        request.extensions(),
        &headers,
        state.app.config.trust_forwarded_for,
    );
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
    let actor = match identify(&state.app, &headers).await {
        Ok(actor) => actor,
        Err(err) => return refused(err),
    };
    let id = request_id(&headers);
    let batching = Batching::new(config.dataloader_delay());
    let batch = match batch {
        BatchRequest::Single(request) => {
            BatchRequest::Single(prepare(&state.app, &batching, &actor, client, &id, request))
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
                    .map(|r| prepare(&state.app, &batching, &actor, client, &id, r))
                    .collect(),
            )
        }
    };
    let response = batching.drive(state.schema.execute_batch(batch)).await;
    graphql_response(response, media)
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
    let actor = match identify(&state.app, headers).await {
        Ok(actor) => actor,
        Err(err) => return refused(err),
    };
    let client = client_address(
        request.extensions(),
        headers,
        state.app.config.trust_forwarded_for,
    );
    let batching = Batching::new(state.app.config.dataloader_delay());
    let gql = prepare(
        &state.app,
        &batching,
        &actor,
        client,
        &request_id(headers),
        gql,
    );
    graphql_response(
        batching.drive(state.schema.execute(gql)).await.into(),
        media,
    )
}

/// The spreadsheet template for `importTrainees`.
async fn trainee_template() -> Response {
    match crate::service::trainee::import::template_xlsx() {
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
