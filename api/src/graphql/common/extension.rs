//! Gives every error a stable `extensions.code`: async-graphql's own parse, validation and
//! limit errors carry none, and `INTERNAL` errors get the request id to quote to support.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest};
use async_graphql::{ErrorExtensionValues, Response};

use super::context::RequestId;

/// The extension factory registered on the schema.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        let request_id = ctx.data_opt::<RequestId>().map(|id| id.0.clone());
        for error in &mut response.errors {
            let extensions = error
                .extensions
                .get_or_insert_with(ErrorExtensionValues::default);
            match extensions.get("code") {
                None => {
                    let code = if error.message.starts_with("Query is too complex")
                        || error.message.starts_with("Query is nested too deep")
                    {
                        "QUERY_TOO_COMPLEX"
                    } else {
                        // Syntax, validation and argument coercion errors: the request is at fault.
                        "BAD_USER_INPUT"
                    };
                    extensions.set("code", code);
                }
                Some(async_graphql::Value::String(code)) if code == "INTERNAL" => {
                    if let Some(id) = &request_id {
                        extensions.set("requestId", id.as_str());
                    }
                }
                Some(_) => {}
            }
        }
        response
    }
}
