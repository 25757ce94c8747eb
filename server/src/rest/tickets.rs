//! `/api/v1/tickets`: log a ticket, the queue, work it, and its conversation.
use super::error::ApiResult;
use super::extract::{ApiJson, ApiQuery, Auth, Id, Ids};
use crate::middleware::ClientIp;
use crate::startup::ServerState;
use app::model::{
    NewTicket, NewTicketMessage, Page, PublicTicket, Ticket, TicketDetail, TicketMerge, TicketPatch,
};
use app::ssr::services::mail_in::{self, Received};
use app::ssr::services::public_tickets;
use app::ssr::services::tickets::reply_form;
use app::ssr::services::tickets::{self as service, TicketQuery};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

/// Tickets you can see, by their next SLA deadline (breached first).
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", params(TicketQuery),
    responses((status = 200, body = Page<Ticket>), (status = 422)))]
pub async fn list(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiQuery(q): ApiQuery<TicketQuery>,
) -> ApiResult<Json<Page<Ticket>>> {
    Ok(Json(service::list(&s.app, &v, q).await?))
}

/// A ticket with its conversation and clocks.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets", params(("id" = i64, Path)),
    responses((status = 200, body = TicketDetail), (status = 404)))]
pub async fn get(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<TicketDetail>> {
    Ok(Json(service::get(&s.app, &v, id).await?))
}

/// Logs a ticket (agents and admins): a call taken, or an integration's.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = NewTicket,
    responses((status = 201, body = Ticket), (status = 403), (status = 422)))]
pub async fn create(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewTicket>,
) -> ApiResult<(StatusCode, Json<Ticket>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s.app, &v, body).await?),
    ))
}

/// Moves, reprioritises, recategorises or (re)assigns a ticket.
#[utoipa::path(patch, path = "/api/v1/tickets/{id}", tag = "tickets", params(("id" = i64, Path)), request_body = TicketPatch,
    responses((status = 200, body = Ticket), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn patch(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<TicketPatch>,
) -> ApiResult<Json<Ticket>> {
    Ok(Json(service::patch(&s.app, &v, id, body).await?))
}

/// A file that came with a message of the ticket, as a download (never shown inline, so an
/// HTML file a customer sent cannot run as Tandem's page).
#[utoipa::path(get, path = "/api/v1/tickets/{id}/attachments/{attachment_id}", tag = "tickets",
    params(("id" = i64, Path), ("attachment_id" = i64, Path)),
    responses((status = 200, description = "the file's bytes", content_type = "application/octet-stream"), (status = 404)))]
pub async fn attachment(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Ids(id, attachment_id): Ids,
) -> ApiResult<Response> {
    let (file, bytes) = service::attachment(&s.app, &v, (id, attachment_id)).await?;
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let encoded: String = form_urlencoded::byte_serialize(file.file_name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let disposition = HeaderValue::from_str(&format!("attachment; filename*=UTF-8''{encoded}"))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; sandbox"),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Merges this ticket (a duplicate) into another: its conversation and files move there, it
/// is closed and names that ticket. Answers the ticket merged into.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/merge", tag = "tickets", params(("id" = i64, Path)), request_body = TicketMerge,
    responses((status = 200, body = TicketDetail), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn merge(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<TicketMerge>,
) -> ApiResult<Json<TicketDetail>> {
    Ok(Json(service::merge(&s.app, &v, id, body).await?))
}

/// Adds a public reply or an internal note: as JSON `{"body", "internal"}`, or with files
/// as `multipart/form-data` (`body`, `internal`, and one `files` part per file; at most 20
/// files of 10 MB and 20 MB in all). A public reply's files go to the customer with it.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/messages", tag = "tickets", params(("id" = i64, Path)),
    request_body(content(
        (NewTicketMessage = "application/json"),
        (ReplyWithFiles = "multipart/form-data"),
    )),
    responses((status = 201, body = TicketDetail), (status = 403), (status = 404), (status = 415), (status = 422)))]
pub async fn add_message(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    req: Request,
) -> ApiResult<Response> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let (message, files) = match reply_form::form_boundary(&content_type) {
        Some(boundary) => {
            let form = multer::Multipart::new(req.into_body().into_data_stream(), boundary);
            let reply = reply_form::read_reply_form(form, false).await?;
            (reply.message, reply.files)
        }
        None => match ApiJson::<NewTicketMessage>::from_request(req, &s).await {
            Ok(ApiJson(m)) => (m, Vec::new()),
            Err(refused) => return Ok(refused),
        },
    };
    let detail = service::add_message(&s.app, &v, id, message, &files).await?;
    Ok((StatusCode::CREATED, Json(detail)).into_response())
}

/// A reply with files, as `multipart/form-data`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ReplyWithFiles {
    /// The reply's text.
    body: String,
    /// "true": an internal note (its files stay inside too).
    internal: Option<bool>,
    /// The files, one part each.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// One raw email (RFC 5322, as a mail gateway received it) into the desk: a reply joins
/// its ticket, anything else opens one; bounces and auto-replies are ignored.
#[utoipa::path(post, path = "/api/v1/inbound/email", tag = "tickets",
    request_body(content = String, content_type = "message/rfc822"),
    responses((status = 200, body = Received), (status = 403), (status = 422)))]
pub async fn inbound_email(
    State(s): State<ServerState>,
    Auth(v): Auth,
    body: Bytes,
) -> ApiResult<Json<Received>> {
    Ok(Json(mail_in::take_in(&s.app, Some(&v), &body).await?))
}

/// A website's support form posts here with its form key (a form made with purpose
/// `tickets`); no sign-in. Rate-limited per address; the sender is matched by email.
#[utoipa::path(post, path = "/api/v1/public/tickets", tag = "tickets", request_body = PublicTicket,
    responses((status = 202, description = "received"), (status = 422), (status = 429)))]
pub async fn public(
    State(s): State<ServerState>,
    Extension(ip): Extension<ClientIp>,
    ApiJson(body): ApiJson<PublicTicket>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    public_tickets::submit(&s.app, body, &ip.0).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({"status": "received"})),
    ))
}
