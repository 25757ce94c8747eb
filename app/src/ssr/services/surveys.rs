//! Satisfaction surveys. A ticket that is resolved sends its contact a CSAT link (1–5); an
//! admin can ask the contacts of chosen customers for an NPS (0–10). Each link carries its
//! own unguessable token (kept only as a hash), opens without signing in, expires after
//! the admin's `survey_link_days` and takes one answer. A CSAT lands on the ticket (an
//! audited `ticket.rated`, which the low-CSAT alert rule reads) and every answer stays
//! with its contact and customer.
use super::mail_out::queue_mail;
use crate::domain::events::{Action, Entity};
use crate::domain::scope::can_send_surveys;
use crate::domain::surveys::SurveyKind;
use crate::domain::validate::optional_long_text;
use crate::error::{AppError, AppResult};
use crate::model::{Contact, SurveyAnswer, SurveysSent};
use crate::ssr::auth::{random_text, token_hash, Viewer};
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::contacts::{self, ContactFilter};
use crate::ssr::store::customers;
use crate::ssr::store::mail_out::NewMail;
use crate::ssr::store::scope::Access;
use crate::ssr::store::surveys::{self as store, NewSurvey, SurveyRow};
use sqlx::AnyConnection;

/// Where a survey's link opens: `/csat/{token}` or `/nps/{token}`.
pub fn link_path(kind: SurveyKind) -> &'static str {
    match kind {
        SurveyKind::Csat => "/csat/",
        SurveyKind::Nps => "/nps/",
    }
}

/// Who a survey goes to (a contact with an email address) and what it is about.
pub(super) struct Ask<'a> {
    pub kind: SurveyKind,
    pub ticket: Option<(i64, &'a str)>,
    pub to: &'a Contact,
    pub link_days: i64,
    pub by: Option<i64>,
}

/// Makes a survey and queues its email, in the caller's transaction.
pub(super) async fn ask(
    conn: &mut AnyConnection,
    state: &AppState,
    a: Ask<'_>,
    now_ms: i64,
) -> AppResult<()> {
    let token = random_text::<32>();
    let survey = NewSurvey {
        kind: a.kind,
        token_hash: &token_hash(&token),
        ticket_id: a.ticket.map(|(id, _)| id),
        customer_id: a.to.customer_id,
        contact_id: Some(a.to.id),
        expires_at: now_ms + a.link_days * 86_400_000,
        created_by: a.by,
    };
    store::insert(&mut *conn, &survey, now_ms).await?;
    let link = format!(
        "{}{}{token}",
        state.public_url.trim_end_matches('/'),
        link_path(a.kind)
    );
    let (subject, body) = match a.ticket {
        Some((id, subject)) => (
            format!("How did we do? [#{id}] {subject} / 服务满意度"),
            format!(
                "{name}, your request \"{subject}\" is resolved. Please tell us how we did (one click):\n\
                 {link}\n\n您好，您的请求“{subject}”已解决。请点击上面的链接为我们的服务打分。\n",
                name = a.to.name
            ),
        ),
        None => (
            "Would you recommend us? / 您会推荐我们吗？".to_string(),
            format!(
                "{name}, how likely are you to recommend us to a friend or colleague? One click:\n\
                 {link}\n\n您好，您向朋友或同事推荐我们的可能性有多大？请点击上面的链接打分。\n",
                name = a.to.name
            ),
        ),
    };
    let mail = NewMail {
        ticket_id: a.ticket.map(|(id, _)| id),
        ticket_message_id: None,
        in_reply_to: None,
        to_email: a.to.email.as_deref().unwrap_or_default(),
        to_name: Some(&a.to.name),
        subject: &subject,
        body: &body,
    };
    queue_mail(conn, state, mail, now_ms).await
}

/// When a ticket is resolved: its contact (`to`, who has an email) gets a CSAT link.
pub(super) async fn ask_csat(
    conn: &mut AnyConnection,
    state: &AppState,
    viewer: &Viewer,
    ticket: (i64, &str),
    to: &Contact,
    link_days: i64,
    now_ms: i64,
) -> AppResult<()> {
    let a = Ask {
        kind: SurveyKind::Csat,
        ticket: Some(ticket),
        to,
        link_days,
        by: Some(viewer.user_id),
    };
    ask(conn, state, a, now_ms).await
}

/// A survey as its page shows it.
pub struct Opened {
    pub kind: SurveyKind,
    pub about: Option<String>,
    /// The score already given (the link is used).
    pub answered: Option<i64>,
}

/// Opens a survey by its link's token: 404 for a token nobody was sent or one that
/// expired unanswered.
pub async fn open(state: &AppState, token: &str) -> AppResult<Opened> {
    let s = find(&mut *state.db.read.acquire().await?, state, token).await?;
    Ok(Opened {
        kind: s.kind,
        about: s.ticket_subject,
        answered: s.score,
    })
}

async fn find(conn: &mut AnyConnection, state: &AppState, token: &str) -> AppResult<SurveyRow> {
    let s = store::by_token_hash(conn, &token_hash(token.trim()))
        .await?
        .ok_or(AppError::NotFound)?;
    if s.answered_at.is_none() && s.expires_at <= state.clock.now_ms() {
        return Err(AppError::NotFound);
    }
    Ok(s)
}

/// The customer's answer. Once only: a second answer is 409 and changes nothing. A CSAT
/// is put on its ticket, audited as `ticket.rated` (by nobody on Tandem's side), which the
/// low-CSAT alert reads.
pub async fn answer(
    state: &AppState,
    token: &str,
    score: &str,
    comment: Option<&str>,
) -> AppResult<Opened> {
    let now_ms = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let s = find(&mut tx, state, token).await?;
    let score = s
        .kind
        .read_score(score)
        .map_err(|e| AppError::field("score", e))?;
    let comment = optional_long_text(comment.unwrap_or(""), 2000)
        .map_err(|e| AppError::field("comment", e))?;
    if !store::answer(&mut tx, s.id, score, comment.as_deref(), now_ms).await? {
        return Err(AppError::Conflict(
            serde_json::json!({ "score": s.score, "answered": true }),
        ));
    }
    match (s.kind, s.ticket_id) {
        (SurveyKind::Csat, Some(ticket_id)) => {
            super::tickets::rated(&mut tx, ticket_id, score, comment.as_deref(), now_ms).await?;
        }
        _ => {
            let after = serde_json::json!({
                "kind": s.kind, "score": score, "comment": comment,
                "customer_id": s.customer_id, "contact_id": s.contact_id,
            });
            let change = Change::new(Action::Rated, Entity::Survey, s.id).after(&after);
            audit::record(&mut tx, None, change, now_ms).await?;
        }
    }
    tx.commit().await?;
    Ok(Opened {
        kind: s.kind,
        about: s.ticket_subject,
        answered: Some(score),
    })
}

/// An admin sends an NPS survey to every contact with an email of these customers.
pub async fn send_nps(
    state: &AppState,
    viewer: &Viewer,
    customer_ids: &[i64],
) -> AppResult<SurveysSent> {
    if !can_send_surveys(viewer.role) {
        return Err(AppError::Forbidden);
    }
    if customer_ids.is_empty() || customer_ids.len() > 500 {
        return Err(AppError::field(
            "customer_ids",
            "name between 1 and 500 customers",
        ));
    }
    let now_ms = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let link_days = super::tickets::clock_rules(&mut tx)
        .await?
        .sla
        .survey_link_days;
    let mut sent = 0;
    for &customer_id in customer_ids {
        if customers::get(&mut *tx, viewer, customer_id, Access::Read)
            .await?
            .is_none()
        {
            return Err(AppError::field("customer_ids", "no such customer"));
        }
        let of_customer = ContactFilter {
            customer_id: Some(customer_id),
            limit: 500,
            ..ContactFilter::default()
        };
        let contacts = contacts::list(&mut *tx, viewer, &of_customer).await?;
        for contact in contacts.iter().filter(|c| c.email.is_some()) {
            let a = Ask {
                kind: SurveyKind::Nps,
                ticket: None,
                to: contact,
                link_days,
                by: Some(viewer.user_id),
            };
            ask(&mut tx, state, a, now_ms).await?;
            sent += 1;
        }
    }
    let after = serde_json::json!({ "kind": "nps", "customer_ids": customer_ids, "sent": sent });
    let change = Change::new(Action::Created, Entity::Survey, 0).after(&after);
    audit::record(&mut tx, Some(viewer), change, now_ms).await?;
    tx.commit().await?;
    Ok(SurveysSent { sent })
}

/// The survey answers of a customer's contacts, newest first (404 outside the viewer's scope).
pub async fn for_customer(
    state: &AppState,
    viewer: &Viewer,
    customer_id: i64,
) -> AppResult<Vec<SurveyAnswer>> {
    if customers::get(&state.db.read, viewer, customer_id, Access::Read)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    Ok(store::answers_for_customer(&state.db.read, viewer, customer_id, 100).await?)
}
