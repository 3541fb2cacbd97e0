//! The gate in front of the schema that every transport (GET, POST, WebSocket) executes
//! through: it parses the operation once, refuses what breaks the limits
//! (`QUERY_TOO_COMPLEX`) or brings control characters (`BAD_USER_INPUT`), hands the parsed
//! document on, and gives every error of the response a stable `extensions.code`.

pub mod limits;
pub mod strings;

use std::any::TypeId;
use std::sync::Arc;

use async_graphql::futures_util::stream::{self, BoxStream, StreamExt};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Data, Executor, Request, Response, ServerError, Value};
use moka::sync::Cache;

use self::limits::{Limits, Shapes};
use super::QihangSchema;
use super::common::context::RequestId;
use crate::config::Config;

/// The schema behind its checks; cheap to clone.
#[derive(Clone)]
pub struct Gateway {
    schema: QihangSchema,
    rules: Arc<Rules>,
}

struct Rules {
    shapes: Shapes,
    limits: Limits,
    /// Parsed documents by query text: clients send the same few operations over and over,
    /// and cloning a document costs a fraction of parsing it again.
    parsed: Cache<String, Arc<ExecutableDocument>>,
}

/// Bytes of query text the parse cache holds (its documents take a few times that).
const PARSED_CACHE_BYTES: u64 = 4 << 20;

impl Gateway {
    /// The gate for `schema` with the limits of `config`.
    pub fn new(schema: QihangSchema, config: &Config) -> Self {
        let shapes = Shapes::from_sdl(&schema.sdl());
        Gateway {
            schema,
            rules: Arc::new(Rules {
                shapes,
                limits: Limits::new(config),
                parsed: Cache::builder()
                    .weigher(|query: &String, _| u32::try_from(query.len()).unwrap_or(u32::MAX))
                    .max_capacity(PARSED_CACHE_BYTES)
                    .build(),
            }),
        }
    }

    /// Parses and checks `request`; on success the parsed document travels with it.
    fn screen(&self, request: &mut Request) -> Result<(), Vec<ServerError>> {
        // A document that does not parse is left to the schema, which reports it as usual.
        let document = match self.rules.parsed.get(&request.query) {
            Some(document) => document,
            None => {
                let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
                    return Ok(());
                };
                let document = Arc::new(document);
                self.rules
                    .parsed
                    .insert(request.query.clone(), document.clone());
                document
            }
        };
        let errors = strings::check(&document, &request.variables);
        if !errors.is_empty() {
            return Err(errors);
        }
        limits::check(
            &document,
            request.operation_name.as_deref(),
            &request.variables,
            &self.rules.shapes,
            &self.rules.limits,
        )
        .map_err(|refusal| {
            let mut error = ServerError::new(refusal.0, None);
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", "QUERY_TOO_COMPLEX");
            vec![error]
        })?;
        request.set_parsed_query(ExecutableDocument::clone(&document));
        Ok(())
    }
}

impl Executor for Gateway {
    async fn execute(&self, mut request: Request) -> Response {
        let request_id = request
            .data
            .get(&TypeId::of::<RequestId>())
            .and_then(|data| data.downcast_ref::<RequestId>())
            .map(|id| id.0.clone());
        let response = match self.screen(&mut request) {
            Ok(()) => self.schema.execute(request).await,
            Err(errors) => Response::from_errors(errors),
        };
        with_codes(response, request_id.as_deref())
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        match self.screen(&mut request) {
            Ok(()) => self
                .schema
                .execute_stream_with_session_data(request, session_data.unwrap_or_default())
                .map(|response| with_codes(response, None))
                .boxed(),
            Err(errors) => stream::once(async move { Response::from_errors(errors) }).boxed(),
        }
    }
}

/// Every error gets an `extensions.code`: async-graphql's own (syntax, validation, argument
/// coercion) carry none and are the request's fault, so `BAD_USER_INPUT`; an `INTERNAL`
/// error gets the request id to quote to support.
fn with_codes(mut response: Response, request_id: Option<&str>) -> Response {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        match extensions.get("code") {
            None => extensions.set("code", "BAD_USER_INPUT"),
            Some(Value::String(code)) if code == "INTERNAL" => {
                if let Some(id) = request_id {
                    extensions.set("requestId", id);
                }
            }
            Some(_) => {}
        }
    }
    response
}

/// Whether the response is a request error (GraphQL over HTTP): nothing was executed, so it
/// has no `data`. Errors of execution always carry the path of their field; those of
/// parsing, validation, variable coercion and of this gate carry none.
pub fn is_request_error(response: &Response) -> bool {
    !response.errors.is_empty()
        && response.data == Value::Null
        && response.errors.iter().all(|error| error.path.is_empty())
}
