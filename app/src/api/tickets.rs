//! The service desk: the queue, a ticket, logging a call, answering and working a ticket.
use super::prelude::*;

#[server(prefix = "/sfn", endpoint = "queue")]
pub async fn get_queue(
    view: Option<String>,
    cursor: Option<String>,
    priority: Option<String>,
    category: Option<String>,
    channel: Option<String>,
) -> Result<TicketQueue, AppError> {
    let view = form_optional_choice("view", view.as_deref())?;
    let narrow = crate::model::TicketNarrow {
        priority: form_optional_choice("priority", priority.as_deref())?,
        category: form_optional_choice("category", category.as_deref())?,
        channel: form_optional_choice("channel", channel.as_deref())?,
    };
    services::tickets::queue(&app_state()?, &current_viewer()?, view, narrow, cursor).await
}

/// The queue's "away" switch: "true" away from the desk (routing passes the viewer by),
/// "false" back.
#[server(prefix = "/sfn", endpoint = "set_availability")]
pub async fn set_availability(away: String) -> Result<bool, AppError> {
    let away = match away.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::field("away", "choose true or false")),
    };
    let me = services::users::set_own_away(&app_state()?, &current_viewer()?, away).await?;
    Ok(me.away)
}

#[server(prefix = "/sfn", endpoint = "ticket")]
pub async fn get_ticket(id: i64) -> Result<TicketPage, AppError> {
    services::tickets::page(&app_state()?, &current_viewer()?, id).await
}

/// A call taken at the desk (or a ticket typed in for another channel).
#[server(prefix = "/sfn", endpoint = "log_ticket")]
pub async fn log_ticket(
    subject: String,
    body: String,
    customer_id: String,
    channel: String,
    priority: String,
    category: String,
) -> Result<Ticket, AppError> {
    let input = NewTicket {
        subject,
        body: Some(body),
        customer_id: form_id("customer_id", &customer_id)?,
        contact_id: None,
        channel: Some(channel.as_str().into()),
        category: Some(category.as_str().into()),
        priority: Some(priority.as_str().into()),
        assignee_id: None,
    };
    services::tickets::create(&app_state()?, &current_viewer()?, input).await
}

/// A public reply, or an internal note when `internal` is ticked, with the files chosen: a
/// `multipart/form-data` form of `id`, `body`, `internal` and any number of `files`.
#[server(prefix = "/sfn", endpoint = "answer_ticket", input = server_fn::codec::MultipartFormData)]
pub async fn answer_ticket(
    data: server_fn::codec::MultipartData,
) -> Result<TicketDetail, AppError> {
    use crate::ssr::services::tickets::reply_form::read_reply_form;
    let (state, viewer) = (app_state()?, current_viewer()?);
    let form = data
        .into_inner()
        .ok_or_else(|| AppError::BadRequest("send the reply as multipart/form-data".into()))?;
    let reply = read_reply_form(form, true).await?;
    let id = form_id("id", reply.id.as_deref().unwrap_or_default())?
        .ok_or_else(|| AppError::field("id", "this field is required"))?;
    services::tickets::add_message(&state, &viewer, id, reply.message, &reply.files).await
}

/// The ticket's status, priority, category, assignee and team as the side panel's form sends
/// them (an empty assignee: back to the queue).
#[server(prefix = "/sfn", endpoint = "work_ticket")]
pub async fn work_ticket(
    id: i64,
    version: i64,
    status: String,
    priority: String,
    category: String,
    assignee_id: String,
    team_id: Option<String>,
) -> Result<Ticket, AppError> {
    let patch = TicketPatch {
        version,
        subject: None,
        status: Some(form_choice("status", &status)?),
        priority: Some(form_choice("priority", &priority)?),
        category: Some(form_choice("category", &category)?),
        assignee_id: Some(form_id("assignee_id", &assignee_id)?),
        team_id: team_id.map(|t| form_id("team_id", &t)).transpose()?,
    };
    services::tickets::patch(&app_state()?, &current_viewer()?, id, patch).await
}

/// Merges this ticket (a duplicate) into the ticket numbered `into` ("123" or "#123").
#[server(prefix = "/sfn", endpoint = "merge_ticket")]
pub async fn merge_ticket(id: i64, version: i64, into: String) -> Result<TicketDetail, AppError> {
    let into = into
        .trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .map_err(|_| AppError::field("into", "enter a whole number"))?;
    let m = crate::model::TicketMerge { version, into };
    services::tickets::merge(&app_state()?, &current_viewer()?, id, m).await
}

/// Knowledge-base articles matching `q` that the viewer may read (at most five), for an
/// answer to put into a reply.
#[server(prefix = "/sfn", endpoint = "find_articles")]
pub async fn find_articles(q: String) -> Result<Vec<crate::model::Article>, AppError> {
    let query = services::articles::ArticleQuery {
        q: Some(q),
        limit: Some(5),
        ..Default::default()
    };
    let viewer = current_viewer()?;
    Ok(
        services::articles::list(&app_state()?, Some(&viewer), query)
            .await?
            .items,
    )
}
