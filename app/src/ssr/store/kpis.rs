//! The records behind each KPI: one record set per key, read for the number and for its
//! drill-down alike, so the list always holds exactly what the number counts.
pub use super::kpi_kinds::{kind_of, records_of, Kind, Narrow};
use super::kpi_kinds::{part_of, title_and_href};
use crate::domain::kpis::{Fact, KpiKey, Period};
use crate::ssr::clock::iso_date;
use crate::ssr::store::db::Sql;
use crate::ssr::store::kpi_slots::DAY_MS;
use chrono::NaiveDate;
use sqlx::{Any, Executor};

/// Whose work a KPI counts: everyone (admins and directors), or these people (owners of
/// leads, deals and customers; assignees of tickets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum People {
    Everyone,
    These(Vec<i64>),
}

/// The period's instants, the same period's local dates, and now.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start_ms: i64,
    pub end_ms: i64,
    pub period: Period,
    pub now_ms: i64,
}

#[derive(sqlx::FromRow)]
struct FactRow {
    id: i64,
    at: i64,
    owner: Option<i64>,
    amount: Option<i64>,
    measure: Option<i64>,
    part: Option<String>,
}

/// A record behind a KPI as a drill-down lists it: the fact, what the record is called
/// and the page it is seen on.
#[derive(Debug, Clone, PartialEq)]
pub struct TitledFact {
    pub fact: Fact,
    pub title: String,
    pub href: String,
}

impl From<FactRow> for Fact {
    fn from(r: FactRow) -> Fact {
        Fact {
            id: r.id,
            at_ms: r.at,
            owner: r.owner,
            amount: r.amount,
            measure: r.measure,
            part: r.part.unwrap_or_default(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct TitledRow {
    #[sqlx(flatten)]
    fact: FactRow,
    title: Option<String>,
    href: Option<String>,
}

/// `SELECT id, at, owner, amount, measure FROM … WHERE …` of the records behind `key` in
/// `w` (with each record's title and page when `titled`).
pub(super) fn record_set(key: KpiKey, w: &Window, titled: bool, sql: &mut Sql) {
    use KpiKey::*;
    let owner = kind_of(key).owner;
    let (title, href) = title_and_href(key);
    let part = part_of(key);
    let extra = if titled {
        format!("{owner} AS owner, {part} AS part, {title} AS title, {href} AS href,")
    } else {
        format!("{owner} AS owner, {part} AS part,")
    };
    let between = |sql: &mut Sql, col: &str| {
        sql.push(&format!(" AND {col} >= "))
            .bind(w.start_ms)
            .push(&format!(" AND {col} < "))
            .bind(w.end_ms);
    };
    const NONE: &str = "CAST(NULL AS BIGINT)";
    match key {
        LeadsNew | LeadConversion => {
            sql.push(&format!(
                "SELECT l.id, l.created_at AS at, {extra} {NONE} AS amount, \
                 CASE WHEN l.status = 'converted' THEN 1 ELSE 0 END AS measure \
                 FROM leads l WHERE l.deleted_at IS NULL"
            ));
            between(sql, "l.created_at");
        }
        MqlToSql => {
            sql.push(&format!(
                "SELECT l.id, l.mql_at AS at, {extra} {NONE} AS amount, \
                 CASE WHEN l.sql_at IS NOT NULL THEN 1 ELSE 0 END AS measure \
                 FROM leads l WHERE l.deleted_at IS NULL"
            ));
            between(sql, "l.mql_at");
        }
        LeadFirstContactSla => {
            sql.push(&format!(
                "SELECT l.id, l.first_contact_due_at AS at, {extra} {NONE} AS amount, \
                 CASE WHEN l.first_contacted_at IS NOT NULL AND l.first_contacted_at <= l.first_contact_due_at \
                 THEN 1 ELSE 0 END AS measure FROM leads l WHERE l.deleted_at IS NULL AND l.first_contact_due_at <= "
            ))
            .bind(w.now_ms);
            between(sql, "l.first_contact_due_at");
        }
        FollowUpCompliance => {
            // A follow-up planned for time T is on time when the customer's next activity
            // after it (`followed_up_at`, kept by every activity written) came before T
            // plus a day; it is judged once that day has passed.
            sql.push(&format!(
                "SELECT a.id, a.next_follow_up_at AS at, {extra} {NONE} AS amount, \
                 CASE WHEN a.followed_up_at < a.next_follow_up_at + {DAY_MS} THEN 1 ELSE 0 END AS measure \
                 FROM activities a WHERE a.deleted_at IS NULL AND a.customer_id IS NOT NULL \
                 AND a.next_follow_up_at <= "
            ))
            .bind(w.now_ms - DAY_MS);
            between(sql, "a.next_follow_up_at");
        }
        ActivitiesLogged => {
            sql.push(&format!(
                "SELECT a.id, a.occurred_at AS at, {extra} {NONE} AS amount, {NONE} AS measure \
                 FROM activities a WHERE a.deleted_at IS NULL"
            ));
            between(sql, "a.occurred_at");
        }
        WinRate => {
            sql.push(&format!(
                "SELECT o.id, CASE WHEN o.stage = 'won' THEN o.won_at ELSE o.stage_entered_at END AS at, {extra} \
                 o.amount_minor AS amount, CASE WHEN o.stage = 'won' THEN 1 ELSE 0 END AS measure \
                 FROM opportunities o WHERE o.deleted_at IS NULL AND ((o.stage = 'won'"
            ));
            between(sql, "o.won_at");
            sql.push(") OR (o.stage = 'lost'");
            between(sql, "o.stage_entered_at");
            sql.push("))");
        }
        WonAmount | AverageDealSize | SalesCycleDays => {
            sql.push(&format!(
                "SELECT o.id, o.won_at AS at, {extra} o.amount_minor AS amount, \
                 (o.won_at - o.created_at) / 60000 AS measure \
                 FROM opportunities o WHERE o.deleted_at IS NULL AND o.stage = 'won'"
            ));
            between(sql, "o.won_at");
            if key == AverageDealSize {
                sql.push(" AND o.amount_minor IS NOT NULL");
            }
        }
        PipelineValue => {
            sql.push(&format!(
                "SELECT o.id, o.created_at AS at, {extra} o.amount_minor AS amount, o.probability AS measure \
                 FROM opportunities o WHERE o.deleted_at IS NULL AND o.stage NOT IN ('won', 'lost')"
            ));
        }
        WeightedForecast => {
            sql.push(&format!(
                "SELECT o.id, o.created_at AS at, {extra} o.amount_minor AS amount, o.probability AS measure, \
                 o.forecast_category AS category \
                 FROM opportunities o WHERE o.deleted_at IS NULL AND o.stage NOT IN ('won', 'lost') \
                 AND o.expected_close >= "
            ))
            .bind(iso_date(w.period.from))
            .push(" AND o.expected_close <= ")
            .bind(iso_date(w.period.to));
        }
        TicketFirstResponseMedian | TicketFirstResponseP90 => {
            sql.push(&format!(
                "SELECT t.id, t.first_responded_at AS at, {extra} {NONE} AS amount, \
                 (t.first_responded_at - t.created_at) / 60000 AS measure \
                 FROM tickets t WHERE t.deleted_at IS NULL"
            ));
            between(sql, "t.first_responded_at");
        }
        TicketResolutionMedian | TicketResolutionP90 => {
            sql.push(&format!(
                "SELECT t.id, t.resolved_at AS at, {extra} {NONE} AS amount, \
                 (t.resolved_at - t.created_at) / 60000 AS measure \
                 FROM tickets t WHERE t.deleted_at IS NULL AND t.merged_into_id IS NULL"
            ));
            between(sql, "t.resolved_at");
        }
        ResolutionRate => {
            sql.push(&format!(
                "SELECT t.id, t.created_at AS at, {extra} {NONE} AS amount, \
                 CASE WHEN t.status IN ('resolved', 'closed') THEN 1 ELSE 0 END AS measure \
                 FROM tickets t WHERE t.deleted_at IS NULL AND t.merged_into_id IS NULL"
            ));
            between(sql, "t.created_at");
        }
        DataCompleteness => {
            sql.push(&format!(
                "SELECT c.id, c.created_at AS at, {extra} {NONE} AS amount, \
                 CASE WHEN c.industry IS NOT NULL AND c.industry <> '' AND c.region IS NOT NULL AND c.region <> '' \
                 AND EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = c.id AND k.deleted_at IS NULL \
                 AND (k.phone IS NOT NULL OR k.email IS NOT NULL)) THEN 1 ELSE 0 END AS measure \
                 FROM customers c WHERE c.deleted_at IS NULL AND c.owner_id IS NOT NULL"
            ));
        }
        SlaCompliance => {
            sql.push(&format!(
                "SELECT t.id, t.created_at AS at, {extra} {NONE} AS amount, \
                 CASE WHEN EXISTS (SELECT 1 FROM sla_breaches b WHERE b.ticket_id = t.id) THEN 0 ELSE 1 END AS measure \
                 FROM tickets t WHERE t.deleted_at IS NULL AND t.merged_into_id IS NULL"
            ));
            between(sql, "t.created_at");
        }
        Csat => {
            sql.push(&format!(
                "SELECT t.id, s.answered_at AS at, {extra} s.score AS amount, {NONE} AS measure \
                 FROM surveys s JOIN tickets t ON t.id = s.ticket_id \
                 WHERE s.kind = 'csat' AND s.score IS NOT NULL"
            ));
            between(sql, "s.answered_at");
        }
        CustomersAtRisk => {
            sql.push(&format!(
                "SELECT c.id, COALESCE(c.last_contact_at, c.created_at) AS at, {extra} {NONE} AS amount, \
                 c.health_score AS measure FROM customers c WHERE c.deleted_at IS NULL AND c.health_at_risk = 1"
            ));
        }
        ReceivedAmount => {
            sql.push(&format!(
                "SELECT r.id, r.received_at AS at, {extra} r.amount_minor AS amount, {NONE} AS measure \
                 FROM receipts r JOIN contracts k ON k.id = r.contract_id JOIN customers c ON c.id = k.customer_id \
                 WHERE k.deleted_at IS NULL"
            ));
            between(sql, "r.received_at");
        }
        ReceivablesOverdue | ReceivablesDue30d => {
            sql.push(&format!(
                "SELECT i.id, i.created_at AS at, {extra} i.amount_minor - i.paid_minor AS amount, {NONE} AS measure \
                 FROM installments i JOIN contracts k ON k.id = i.contract_id JOIN customers c ON c.id = k.customer_id \
                 WHERE k.deleted_at IS NULL AND c.deleted_at IS NULL AND k.approval_status = 'approved' \
                 AND i.paid_minor < i.amount_minor"
            ));
            // (The roll-ups' all-time window has no calendar day: every unpaid installment.)
            if let Some((from, until)) = receivable_dates(key, w.now_ms) {
                if let Some(from) = from {
                    sql.push(" AND i.planned_date >= ").bind(iso_date(from));
                }
                sql.push(" AND i.planned_date < ").bind(iso_date(until));
            }
        }
        CustomerRetention => {
            // The customers at the period's start: bought before it, not churned before it.
            sql.push(&format!(
                "SELECT c.id, c.created_at AS at, {extra} {NONE} AS amount, \
                 CASE WHEN c.churned_at IS NOT NULL AND c.churned_at < "
            ))
            .bind(w.end_ms)
            .push(
                " THEN 0 ELSE 1 END AS measure FROM customers c \
                 WHERE c.deleted_at IS NULL AND c.owner_id IS NOT NULL \
                 AND (c.churned_at IS NULL OR c.churned_at >= ",
            )
            .bind(w.start_ms)
            .push(
                ") AND EXISTS (SELECT 1 FROM opportunities o WHERE o.customer_id = c.id \
                 AND o.deleted_at IS NULL AND o.stage = 'won' AND o.won_at < ",
            )
            .bind(w.start_ms)
            .push(")");
        }
        ActiveUsers => {
            // Each person once, at their latest recorded act in the period.
            let acts = |sql: &mut Sql, pick: &str| {
                sql.push(&format!(
                    "(SELECT {pick} FROM audit_entries e WHERE e.actor_id = u.id AND e.at >= "
                ))
                .bind(w.start_ms)
                .push(" AND e.at < ")
                .bind(w.end_ms)
                .push(")");
            };
            sql.push("SELECT u.id, ");
            acts(sql, "MAX(e.at)");
            sql.push(&format!(
                " AS at, {extra} {NONE} AS amount, {NONE} AS measure FROM users u \
                 WHERE u.active = 1 AND EXISTS "
            ));
            acts(sql, "1");
        }
        Nps => {
            sql.push(&format!(
                "SELECT c.id, s.answered_at AS at, {extra} s.score AS amount, {NONE} AS measure \
                 FROM surveys s JOIN customers c ON c.id = s.customer_id \
                 WHERE s.kind = 'nps' AND s.score IS NOT NULL"
            ));
            between(sql, "s.answered_at");
        }
    }
}

/// The records behind `key` in the window, for these people, newest first.
pub async fn facts<'e>(
    ex: impl Executor<'e, Database = Any>,
    key: KpiKey,
    w: &Window,
    people: &People,
    narrow: Narrow,
) -> Result<Vec<Fact>, sqlx::Error> {
    let mut sql = facts_sql(key, w, people, narrow, false);
    sql.push(NEWEST_FIRST);
    sql.all::<FactRow, _>(ex, Fact::from).await
}

/// The same records with their titles and pages, for a drill-down.
pub async fn titled_facts<'e>(
    ex: impl Executor<'e, Database = Any>,
    key: KpiKey,
    w: &Window,
    people: &People,
    narrow: Narrow,
) -> Result<Vec<TitledFact>, sqlx::Error> {
    let mut sql = facts_sql(key, w, people, narrow, true);
    sql.push(NEWEST_FIRST);
    sql.all::<TitledRow, _>(ex, |r| TitledFact {
        fact: r.fact.into(),
        title: r.title.unwrap_or_default(),
        href: r.href.unwrap_or_default(),
    })
    .await
}

fn facts_sql(key: KpiKey, w: &Window, people: &People, narrow: Narrow, titled: bool) -> Sql {
    let mut sql = Sql::new("");
    push_facts(&mut sql, key, w, people, narrow, titled);
    sql
}

/// Appends the records behind `key` in the window, for these people, narrowed.
pub(super) fn push_facts(
    sql: &mut Sql,
    key: KpiKey,
    w: &Window,
    people: &People,
    narrow: Narrow,
    titled: bool,
) {
    record_set(key, w, titled, sql);
    // A unary plus keeps the planner off the owner's index (`activities_user_time`, tickets
    // by assignee …) for a period's records: reading them by their time's index is a month
    // of rows, reading the owners' records first is all of their history (a month of
    // follow-ups took 25 s that way at 10^7 activities, SQLite having no statistics to
    // tell). Standard SQL: PostgreSQL plans on its own statistics.
    let owner = kind_of(key).owner;
    let plus = if read_by_time(key) { "+" } else { "" };
    push_people(sql, &format!("{plus}{owner}"), people);
    if let Some(stage) = narrow.stage {
        sql.push(" AND o.stage = ").bind(stage.as_str());
    }
    if let Some(source) = narrow.source {
        sql.push(" AND l.source = ").bind(source);
    }
}

/// The planned dates of the unpaid installments `key` counts at `now_ms`, local dates:
/// overdue, before today; due in 30 days, from today until 30 days on (`(from, until)`,
/// `until` not included). None past any calendar date (the roll-ups' all-time window).
pub fn receivable_dates(key: KpiKey, now_ms: i64) -> Option<(Option<NaiveDate>, NaiveDate)> {
    let day = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms).map(|_| crate::ssr::clock::local_date_of(ms))
    };
    let today = day(now_ms)?;
    if key == KpiKey::ReceivablesOverdue {
        Some((None, today))
    } else {
        Some((Some(today), day(now_ms + 30 * DAY_MS)?))
    }
}

/// Newest first, by position: the joined tables both have an `id`.
const NEWEST_FIRST: &str = " ORDER BY 2 DESC, 1 DESC";

/// Whether a KPI's records are found by a time range on an index of their own (a period's
/// leads, follow-ups, closed deals, tickets, surveys, receipts), rather than by whose they
/// are (open deals, those expected to close too, customers, installments, people).
fn read_by_time(key: KpiKey) -> bool {
    use KpiKey::*;
    !key.is_snapshot() && !matches!(key, WeightedForecast | CustomerRetention | ActiveUsers)
}

/// ` AND {owner} IN (…)` for these people (nothing for everyone).
pub(super) fn push_people(sql: &mut Sql, owner: &str, people: &People) {
    if let People::These(ids) = people {
        if ids.is_empty() {
            sql.push(" AND 1 = 0");
        } else {
            sql.push(&format!(" AND {owner} IN ("))
                .bind_list(ids.iter().copied())
                .push(")");
        }
    }
}
