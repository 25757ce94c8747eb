//! `/api/v1/kpis`: the managers' KPIs for a period and scope, and the records behind each.
use super::error::ApiResult;
use super::export::{download, Format};
use super::extract::{ApiQuery, Auth};
use crate::startup::ServerState;
use app::error::AppError;
use app::model::{KpiKey, KpiRecords, KpiReport};
use app::ssr::context::lang_of;
use app::ssr::services::kpi_tables::{records_table, report_table};
use app::ssr::services::kpis::{self as service, KpiQuery};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;

/// Every KPI by its key, for the period (default: this month to date) and the scope (the
/// viewer's team subtree, one team of it, or one person), with the previous period's
/// value and the link to the records behind it. Managers and admins.
#[utoipa::path(get, path = "/api/v1/kpis", tag = "kpis", params(KpiQuery),
    responses((status = 200, body = KpiReport), (status = 403), (status = 404), (status = 422)))]
pub async fn report(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<KpiQuery>,
) -> ApiResult<Json<KpiReport>> {
    let lang = lang_of(&headers, Some(&v));
    Ok(Json(service::report(&s.app, &v, q, lang).await?))
}

/// The records behind one KPI for the same period and scope: their count is the KPI's
/// `records`.
#[utoipa::path(get, path = "/api/v1/kpis/{key}/records", tag = "kpis",
    params(("key" = KpiKey, Path), KpiQuery),
    responses((status = 200, body = KpiRecords), (status = 403), (status = 404), (status = 422)))]
pub async fn records(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Path(key): Path<String>,
    ApiQuery(q): ApiQuery<KpiQuery>,
) -> ApiResult<Json<KpiRecords>> {
    let key = KpiKey::parse(&key).ok_or(AppError::NotFound)?;
    Ok(Json(service::records(&s.app, &v, key, q).await?))
}

/// Every KPI of the period and scope as a spreadsheet: `csv` (UTF-8 with a byte-order
/// mark, for Excel) or `xlsx`.
#[utoipa::path(get, path = "/api/v1/kpis/export/{format}", tag = "kpis",
    params(("format" = String, Path, description = "csv | xlsx"), KpiQuery),
    responses((status = 200, description = "the KPI table as a file"), (status = 403), (status = 404), (status = 422)))]
pub async fn export_report(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    Path(format): Path<String>,
    ApiQuery(q): ApiQuery<KpiQuery>,
) -> ApiResult<Response> {
    let format = Format::parse(&format)?;
    let lang = lang_of(&headers, Some(&v));
    let report = service::report(&s.app, &v, q, lang).await?;
    Ok(download(&report_table(&report, lang), format)?)
}

/// The records behind one KPI as a spreadsheet (`csv` or `xlsx`).
#[utoipa::path(get, path = "/api/v1/kpis/{key}/records/export/{format}", tag = "kpis",
    params(("key" = KpiKey, Path), ("format" = String, Path, description = "csv | xlsx"), KpiQuery),
    responses((status = 200, description = "the records as a file"), (status = 403), (status = 404), (status = 422)))]
pub async fn export_records(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    Path((key, format)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<KpiQuery>,
) -> ApiResult<Response> {
    let key = KpiKey::parse(&key).ok_or(AppError::NotFound)?;
    let format = Format::parse(&format)?;
    let lang = lang_of(&headers, Some(&v));
    let records = service::records(&s.app, &v, key, q).await?;
    Ok(download(&records_table(&records, lang), format)?)
}
