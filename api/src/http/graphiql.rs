//! GraphiQL served by the server itself: the page and the production builds of GraphiQL,
//! React and ReactDOM embedded from `api/assets/graphiql/` (see its README), so it works on
//! an intranet without internet. The assets' URLs carry a tag of their content, so browsers
//! may keep them for good.

use std::fmt::Write as _;
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Where the assets are served; the content tag and the file name follow.
pub const ASSETS_PATH: &str = "/graphiql/assets";

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: [Asset; 4] = [
    Asset {
        name: "react.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/react.production.min.js"),
    },
    Asset {
        name: "react-dom.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    },
    Asset {
        name: "graphiql.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/graphiql.min.js"),
    },
    Asset {
        name: "graphiql.min.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/graphiql.min.css"),
    },
];

/// A tag that changes whenever an asset does: the start of the SHA-256 of all of them.
fn tag() -> &'static str {
    static TAG: LazyLock<String> = LazyLock::new(|| {
        let mut hasher = Sha256::new();
        for asset in &ASSETS {
            hasher.update(asset.bytes);
        }
        hasher.finalize()[..8]
            .iter()
            .fold(String::new(), |mut hex, byte| {
                let _ = write!(hex, "{byte:02x}");
                hex
            })
    });
    &TAG
}

/// The page. The fetcher sends the headers pane with every request, over HTTP to `/graphql`
/// and as the `connection_init` payload over the WebSocket at `/graphql/ws` (where an
/// `Authorization` entry signs the connection in).
pub async fn page() -> Html<String> {
    let base = format!("{ASSETS_PATH}/{}", tag());
    Html(format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8">
    <meta name="robots" content="noindex">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>启航 Qihang GraphQL</title>
    <style>
      body {{ height: 100%; margin: 0; width: 100%; overflow: hidden; }}
      #graphiql {{ height: 100vh; }}
    </style>
    <link rel="stylesheet" href="{base}/graphiql.min.css">
  </head>
  <body>
    <div id="graphiql">Loading…</div>
    <script src="{base}/react.production.min.js"></script>
    <script src="{base}/react-dom.production.min.js"></script>
    <script src="{base}/graphiql.min.js"></script>
    <script>
      const http = new URL("/graphql", window.location.href);
      const ws = new URL("/graphql/ws", window.location.href);
      ws.protocol = ws.protocol === "https:" ? "wss:" : "ws:";
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(GraphiQL, {{
          fetcher: GraphiQL.createFetcher({{ url: http.href, subscriptionUrl: ws.href }}),
          defaultEditorToolsVisibility: true,
        }}),
      );
    </script>
  </body>
</html>
"#
    ))
}

/// One asset. Under the current tag it may be cached for a year; under another (a page
/// from before an upgrade) it is served but not cached.
pub async fn asset(Path((asset_tag, name)): Path<(String, String)>) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let cache = if asset_tag == tag() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = asset.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
