//! Satisfaction surveys: made with a hashed single-use token, read back by it, answered
//! once (a conditional update, so two answers never both count).
use super::scope::{owned_by_scope, Access};
use crate::domain::surveys::SurveyKind;
use crate::model::SurveyAnswer;
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::store::db::{Insert, Sql};
use crate::ssr::store::kpi_rollups::{self as kpi_rollups, Touched};
use sqlx::{Any, AnyConnection, Executor};

pub struct NewSurvey<'a> {
    pub kind: SurveyKind,
    pub token_hash: &'a str,
    pub ticket_id: Option<i64>,
    pub customer_id: i64,
    pub contact_id: Option<i64>,
    pub expires_at: i64,
    pub created_by: Option<i64>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    s: &NewSurvey<'_>,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    Insert::into("surveys")
        .value("kind", s.kind.as_str())
        .value("token_hash", s.token_hash)
        .value("ticket_id", s.ticket_id)
        .value("customer_id", s.customer_id)
        .value("contact_id", s.contact_id)
        .value("expires_at", s.expires_at)
        .value("created_by", s.created_by)
        .value("created_at", now_ms)
        .returning_id(conn)
        .await
}

/// A survey as its link opens it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SurveyRow {
    pub id: i64,
    pub kind: SurveyKind,
    pub ticket_id: Option<i64>,
    pub ticket_subject: Option<String>,
    pub customer_id: i64,
    pub contact_id: Option<i64>,
    pub score: Option<i64>,
    pub expires_at: i64,
    pub answered_at: Option<i64>,
}

pub async fn by_token_hash<'e>(
    ex: impl Executor<'e, Database = Any>,
    token_hash: &str,
) -> Result<Option<SurveyRow>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT s.id, s.kind, s.ticket_id, t.subject AS ticket_subject, s.customer_id, s.contact_id, \
         s.score, s.expires_at, s.answered_at FROM surveys s LEFT JOIN tickets t ON t.id = s.ticket_id \
         WHERE s.token_hash = ",
    );
    sql.bind(token_hash);
    sql.one::<SurveyRow, _>(ex, std::convert::identity).await
}

/// Records the answer if the survey is still open; false when it was answered already
/// or its link expired.
pub async fn answer(
    conn: &mut AnyConnection,
    id: i64,
    score: i64,
    comment: Option<&str>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE surveys SET score = ");
    sql.bind(score)
        .push(", comment = ")
        .bind(comment)
        .push(", answered_at = ")
        .bind(now_ms)
        .push(" WHERE id = ")
        .bind(id)
        .push(" AND answered_at IS NULL AND expires_at > ")
        .bind(now_ms);
    let written = sql.query().execute(&mut *conn).await?.rows_affected() == 1;
    if written {
        // A rating counts for its ticket's CSAT, an NPS answer for its customer.
        let (ticket, customer): (Option<i64>, i64) =
            sqlx::query_as("SELECT ticket_id, customer_id FROM surveys WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
        if let Some(ticket) = ticket {
            kpi_rollups::touch(conn, Touched::Tickets, &[ticket]).await?;
        }
        kpi_rollups::touch(conn, Touched::Customers, &[customer]).await?;
    }
    Ok(written)
}

#[derive(sqlx::FromRow)]
struct AnswerRow {
    id: i64,
    kind: SurveyKind,
    ticket_id: Option<i64>,
    customer_id: i64,
    contact_id: Option<i64>,
    contact_name: Option<String>,
    score: i64,
    comment: Option<String>,
    answered_at: Option<i64>,
}

/// The answers of a customer's contacts, newest first, if the viewer may see the customer.
pub async fn answers_for_customer<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<SurveyAnswer>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT s.id, s.kind, s.ticket_id, s.customer_id, s.contact_id, k.name AS contact_name, s.score, \
         s.comment, s.answered_at FROM surveys s JOIN customers c ON c.id = s.customer_id \
         LEFT JOIN contacts k ON k.id = s.contact_id \
         WHERE s.answered_at IS NOT NULL AND c.deleted_at IS NULL AND s.customer_id = ",
    );
    sql.bind(customer_id);
    owned_by_scope(&mut sql, viewer, Access::Read, "c.owner_id");
    sql.push(" ORDER BY s.id DESC LIMIT ").bind(limit);
    sql.all(ex, |r: AnswerRow| SurveyAnswer {
        id: r.id,
        kind: r.kind,
        ticket_id: r.ticket_id,
        customer_id: r.customer_id,
        contact_id: r.contact_id,
        contact_name: r.contact_name,
        score: r.score,
        comment: r.comment,
        answered_at: opt_from_ms(r.answered_at).unwrap_or_else(|| from_ms(0)),
    })
    .await
}
