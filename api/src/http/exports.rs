//! Spreadsheet downloads with the caller's bearer token and scope: the region report
//! (`/reports/{regionCode}/{year}.xlsx` or `.csv`) and a base's roster
//! (`/exports/trainees.xlsx?baseId=`). Refusals are GraphQL-shaped errors with the matching
//! HTTP status.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::caller::{authenticate, caller, refused};
use super::{HttpState, transport_error};
use crate::error::AppError;
use crate::service::report::export::{self, ReportFormat};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV: &str = "text/csv; charset=utf-8";

/// The refusal as a response: 401 with a challenge, 403, 404, 400 or 500.
fn failed(err: AppError) -> Response {
    let status = match &err {
        AppError::Unauthenticated => return refused(err),
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::BadUserInput(_) => StatusCode::BAD_REQUEST,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::QueryTooComplex(_) => StatusCode::BAD_REQUEST,
        AppError::Internal(cause) => {
            tracing::error!(error = ?cause, "export failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    transport_error(status, err.code(), &err.to_string())
}

fn download(content_type: &'static str, file_name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /reports/{regionCode}/{year}.xlsx` or `.csv`.
pub(super) async fn region_report(
    State(state): State<HttpState>,
    Path((region_code, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let actor = match authenticate(&state.app, &headers).await {
        Ok(token) => caller(token.as_ref()).0,
        Err(err) => return refused(err),
    };
    let parsed = file
        .strip_suffix(".xlsx")
        .map(|y| (y, ReportFormat::Xlsx))
        .or_else(|| file.strip_suffix(".csv").map(|y| (y, ReportFormat::Csv)))
        .and_then(|(year, format)| Some((year.parse::<i32>().ok()?, format)));
    let Some((year, format)) = parsed else {
        return failed(AppError::BadUserInput(
            "expected /reports/{regionCode}/{year}.xlsx or .csv".to_owned(),
        ));
    };
    match export::report_file(&state.app.db, &actor, &region_code, year, format).await {
        Ok(bytes) => {
            let (content_type, extension) = match format {
                ReportFormat::Xlsx => (XLSX, "xlsx"),
                ReportFormat::Csv => (CSV, "csv"),
            };
            download(
                content_type,
                &format!("report-{region_code}-{year}.{extension}"),
                bytes,
            )
        }
        Err(err) => failed(err),
    }
}

/// The roster's query string.
#[derive(Debug, Deserialize)]
pub(super) struct RosterQuery {
    #[serde(rename = "baseId")]
    base_id: Option<String>,
}

/// `GET /exports/trainees.xlsx?baseId=`.
pub(super) async fn trainee_roster(
    State(state): State<HttpState>,
    Query(query): Query<RosterQuery>,
    headers: HeaderMap,
) -> Response {
    let actor = match authenticate(&state.app, &headers).await {
        Ok(token) => caller(token.as_ref()).0,
        Err(err) => return refused(err),
    };
    let Some(base_id) = query
        .base_id
        .as_deref()
        .and_then(|id| Uuid::parse_str(id.trim()).ok())
    else {
        return failed(AppError::BadUserInput(
            "baseId must name a base (a 36-character id)".to_owned(),
        ));
    };
    match export::roster_xlsx(&state.app.db, &actor, base_id).await {
        Ok(bytes) => download(XLSX, "trainees.xlsx", bytes),
        Err(err) => failed(err),
    }
}
