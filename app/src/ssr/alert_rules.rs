//! The alert rules. The engine knows only the two traits; a rule is a value in a list, so
//! the service-desk rules (ticket assigned, SLA, CSAT) and churn risk join by being added
//! to [`registry`], without a change to the engine.
//!
//! Time rules answer "what fell due in (from, to]?" with an indexed range query over a
//! due-time column; event rules turn outbox events into alerts.
use crate::domain::alerts::{AlertFacts, AlertRules};
use crate::domain::leads::LeadRules;
use crate::domain::pool::PoolRules;
use crate::domain::time::DEFAULT_UTC_OFFSET_MINUTES;
use crate::ssr::db::Sql;
use sqlx::AnyConnection;
use std::future::Future;
use std::pin::Pin;

pub type RuleFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<Found>, sqlx::Error>> + Send + 'a>>;

/// Every threshold a rule may read, loaded once per tick.
#[derive(Debug, Clone, Default)]
pub struct Thresholds {
    pub alerts: AlertRules,
    pub pool: PoolRules,
    pub leads: LeadRules,
}

/// One alert a rule wants made (the engine renders and stores it).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub user_id: i64,
    pub kind: &'static str,
    pub entity_type: &'static str,
    pub entity_id: i64,
    pub due_at: Option<i64>,
    /// Unique per firing: the same rule, record, due time and user make one alert.
    pub dedupe_key: String,
    pub facts: AlertFacts,
    /// The manager's copy of an escalation.
    pub escalated: bool,
}

/// An outbox event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxEvent {
    pub id: i64,
    pub kind: String,
    pub entity_type: String,
    pub entity_id: i64,
    pub payload: String,
}

impl OutboxEvent {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.payload).unwrap_or_default()
    }
}

pub trait TimeRule: Send + Sync {
    fn name(&self) -> &'static str;
    /// What fell due in the window `(from, to]` (epoch ms).
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        t: &'a Thresholds,
    ) -> RuleFuture<'a>;
}

pub trait EventRule: Send + Sync {
    /// The outbox kind it reads, e.g. `lead.assigned`.
    fn handles(&self, kind: &str) -> bool;
    fn on<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        event: &'a OutboxEvent,
        t: &'a Thresholds,
    ) -> RuleFuture<'a>;
}

/// Every rule the engine runs.
pub struct Registry {
    pub time: Vec<Box<dyn TimeRule>>,
    pub events: Vec<Box<dyn EventRule>>,
}

/// The rules Tandem runs.
pub fn registry() -> Registry {
    Registry {
        time: vec![
            Box::new(FollowUpDue),
            Box::new(FollowUpOverdue),
            Box::new(LeadSlaWarning),
            Box::new(LeadSlaBreach),
            Box::new(SilentCustomer),
            Box::new(PoolReclaimWarning),
            Box::new(StageStalled),
            Box::new(PostSaleCheck),
            Box::new(RenewalDue),
            Box::new(TaskDue),
        ],
        events: vec![
            Box::new(LeadAssigned),
            Box::new(LeadReturned),
            Box::new(PoolReclaimed),
            Box::new(TaskAssigned),
        ],
    }
}

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

#[derive(sqlx::FromRow)]
struct Hit {
    id: i64,
    owner_id: i64,
    name: String,
    at: i64,
    owner_name: Option<String>,
    extra: Option<String>,
}

async fn hits(conn: &mut AnyConnection, sql: &Sql) -> Result<Vec<Hit>, sqlx::Error> {
    sql.query_as::<Hit>().fetch_all(conn).await
}

/// Active managers of a user's team.
pub async fn managers_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT m.id FROM users m JOIN users u ON u.team_id = m.team_id \
         WHERE m.role = 'manager' AND m.active = 1 AND m.id <> u.id AND u.id = ",
    );
    sql.bind(user_id).push(" ORDER BY m.id");
    sql.query_scalar::<i64>().fetch_all(conn).await
}

/// The owner's alert, plus one for each manager when `escalate`.
async fn with_managers(
    conn: &mut AnyConnection,
    found: Found,
    escalate: bool,
) -> Result<Vec<Found>, sqlx::Error> {
    let mut out = vec![found.clone()];
    if escalate {
        for m in managers_of(conn, found.user_id).await? {
            out.push(Found {
                user_id: m,
                dedupe_key: format!("{}:m{m}", found.dedupe_key),
                escalated: true,
                ..found.clone()
            });
        }
    }
    Ok(out)
}

fn facts(h: &Hit, n: Option<i64>) -> AlertFacts {
    AlertFacts {
        name: h.name.clone(),
        owner_name: h.owner_name.clone(),
        n,
        extra: h.extra.clone(),
    }
}

/// Customers whose `column` (shifted by `shift` ms) fell in the window.
fn customers_in(column: &str, from: i64, to: i64) -> Sql {
    let mut sql = Sql::new(&format!(
        "SELECT c.id, c.owner_id, c.name, c.{column} AS at, u.name AS owner_name, CAST(NULL AS TEXT) AS extra \
         FROM customers c JOIN users u ON u.id = c.owner_id \
         WHERE c.deleted_at IS NULL AND u.active = 1 AND c.{column} > "
    ));
    sql.bind(from)
        .push(&format!(" AND c.{column} <= "))
        .bind(to);
    sql
}

struct FollowUpDue;
impl TimeRule for FollowUpDue {
    fn name(&self) -> &'static str {
        "follow_up_due"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        _t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let sql = customers_in("next_follow_up_at", from, to);
            Ok(hits(conn, &sql)
                .await?
                .iter()
                .map(|h| Found {
                    user_id: h.owner_id,
                    kind: "follow_up_due",
                    entity_type: "customer",
                    entity_id: h.id,
                    due_at: Some(h.at),
                    dedupe_key: format!("follow_up_due:{}:{}", h.id, h.at),
                    facts: facts(h, None),
                    escalated: false,
                })
                .collect())
        })
    }
}

/// Still due `follow_up_overdue_hours` later: nothing was logged (logging moves or clears
/// the next follow-up). Owner, and the team's managers.
struct FollowUpOverdue;
impl TimeRule for FollowUpOverdue {
    fn name(&self) -> &'static str {
        "follow_up_overdue"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let hours = t.alerts.follow_up_overdue_hours;
            let shift = hours * HOUR;
            let sql = customers_in("next_follow_up_at", from - shift, to - shift);
            let mut out = Vec::new();
            for h in hits(conn, &sql).await? {
                let f = Found {
                    user_id: h.owner_id,
                    kind: "follow_up_overdue",
                    entity_type: "customer",
                    entity_id: h.id,
                    due_at: Some(h.at + shift),
                    dedupe_key: format!("follow_up_overdue:{}:{}", h.id, h.at),
                    facts: facts(&h, Some(hours)),
                    escalated: false,
                };
                out.extend(with_managers(conn, f, true).await?);
            }
            Ok(out)
        })
    }
}

/// Open, uncontacted leads whose `first_contact_due_at` fell in the window.
fn leads_due(from: i64, to: i64, urgent: &[String], urgent_class: bool) -> Sql {
    let mut sql = Sql::new(
        "SELECT l.id, l.owner_id, COALESCE(l.company, l.name) AS name, l.first_contact_due_at AS at, \
         u.name AS owner_name, l.source AS extra FROM leads l JOIN users u ON u.id = l.owner_id \
         WHERE l.deleted_at IS NULL AND u.active = 1 AND l.first_contacted_at IS NULL \
         AND l.status IN ('new', 'mql') AND l.first_contact_due_at > ",
    );
    sql.bind(from)
        .push(" AND l.first_contact_due_at <= ")
        .bind(to);
    if !urgent.is_empty() {
        sql.push(if urgent_class {
            " AND l.source IN ("
        } else {
            " AND l.source NOT IN ("
        });
        for (i, s) in urgent.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(s.as_str());
        }
        sql.push(")");
    } else if urgent_class {
        sql.push(" AND 1 = 0");
    }
    sql
}

/// At `lead_sla_warning_percent` of the first-contact time: the owner is warned.
struct LeadSlaWarning;
impl TimeRule for LeadSlaWarning {
    fn name(&self) -> &'static str {
        "lead_sla_warning"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let mut out = Vec::new();
            for (hours, urgent) in [
                (t.leads.first_contact_hours, false),
                (t.leads.urgent_first_contact_hours, true),
            ] {
                // Warned when (100 - p)% of the time is left: `left` ms before the due time.
                let left = hours * HOUR * (100 - t.alerts.lead_sla_warning_percent) / 100;
                let sql = leads_due(from + left, to + left, &t.leads.urgent_sources, urgent);
                for h in hits(conn, &sql).await? {
                    out.push(Found {
                        user_id: h.owner_id,
                        kind: "lead_sla_warning",
                        entity_type: "lead",
                        entity_id: h.id,
                        due_at: Some(h.at),
                        dedupe_key: format!("lead_sla_warning:{}:{}", h.id, h.at),
                        facts: facts(&h, Some(left / 60_000)),
                        escalated: false,
                    });
                }
            }
            Ok(out)
        })
    }
}

/// The first-contact time passed with no contact: the owner and their managers.
struct LeadSlaBreach;
impl TimeRule for LeadSlaBreach {
    fn name(&self) -> &'static str {
        "lead_sla_breach"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        _t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let mut sql = leads_due(from, to, &[], false);
            sql.push(" ORDER BY l.id");
            let mut out = Vec::new();
            for h in hits(conn, &sql).await? {
                let f = Found {
                    user_id: h.owner_id,
                    kind: "lead_sla_breach",
                    entity_type: "lead",
                    entity_id: h.id,
                    due_at: Some(h.at),
                    dedupe_key: format!("lead_sla_breach:{}:{}", h.id, h.at),
                    facts: facts(&h, None),
                    escalated: false,
                };
                out.extend(with_managers(conn, f, true).await?);
            }
            Ok(out)
        })
    }
}

struct SilentCustomer;
impl TimeRule for SilentCustomer {
    fn name(&self) -> &'static str {
        "silent_customer"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let days = t.alerts.silent_customer_days;
            let sql = customers_in("last_contact_at", from - days * DAY, to - days * DAY);
            Ok(hits(conn, &sql)
                .await?
                .iter()
                .map(|h| Found {
                    user_id: h.owner_id,
                    kind: "silent_customer",
                    entity_type: "customer",
                    entity_id: h.id,
                    due_at: Some(h.at + days * DAY),
                    dedupe_key: format!("silent_customer:{}:{}", h.id, h.at),
                    facts: facts(h, Some(days)),
                    escalated: false,
                })
                .collect())
        })
    }
}

/// `warning_days` before the pool takes a customer back.
struct PoolReclaimWarning;
impl TimeRule for PoolReclaimWarning {
    fn name(&self) -> &'static str {
        "pool_reclaim_warning"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let days = t.pool.warning_days;
            if days <= 0 {
                return Ok(Vec::new());
            }
            let mut sql = customers_in("reclaim_at", from + days * DAY, to + days * DAY);
            sql.push(" AND c.locked = 0");
            Ok(hits(conn, &sql)
                .await?
                .iter()
                .map(|h| Found {
                    user_id: h.owner_id,
                    kind: "pool_reclaim_warning",
                    entity_type: "customer",
                    entity_id: h.id,
                    due_at: Some(h.at),
                    dedupe_key: format!("pool_reclaim_warning:{}:{}", h.id, h.at),
                    facts: facts(h, Some(days)),
                    escalated: false,
                })
                .collect())
        })
    }
}

/// A deal longer in an open stage than its limit: the owner; at twice the limit, the
/// team's managers.
struct StageStalled;
impl TimeRule for StageStalled {
    fn name(&self) -> &'static str {
        "stage_stalled"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let mut out = Vec::new();
            for (stage, days) in t.alerts.stage_limits() {
                for times in [1, 2] {
                    let shift = days * DAY * times;
                    let mut sql = Sql::new(
                        "SELECT o.id, o.owner_id, o.name, o.stage_entered_at AS at, u.name AS owner_name, o.stage AS extra \
                         FROM opportunities o JOIN users u ON u.id = o.owner_id \
                         WHERE o.deleted_at IS NULL AND u.active = 1 AND o.stage = ",
                    );
                    sql.bind(stage)
                        .push(" AND o.stage_entered_at > ")
                        .bind(from - shift)
                        .push(" AND o.stage_entered_at <= ")
                        .bind(to - shift);
                    for h in hits(conn, &sql).await? {
                        let f = Found {
                            user_id: h.owner_id,
                            kind: "stage_stalled",
                            entity_type: "opportunity",
                            entity_id: h.id,
                            due_at: Some(h.at + shift),
                            dedupe_key: format!("stage_stalled:{}:{}:{times}", h.id, h.at),
                            facts: facts(&h, Some(days * times)),
                            escalated: false,
                        };
                        if times == 1 {
                            out.push(f);
                        } else {
                            // The manager's turn; the owner already heard at the limit.
                            out.extend(with_managers(conn, f, true).await?.into_iter().skip(1));
                        }
                    }
                }
            }
            Ok(out)
        })
    }
}

/// `post_sale_check_days` after a win with no follow-up logged since.
struct PostSaleCheck;
impl TimeRule for PostSaleCheck {
    fn name(&self) -> &'static str {
        "post_sale_check"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let days = t.alerts.post_sale_check_days;
            let mut sql = Sql::new(
                "SELECT o.id, o.owner_id, c.name, o.won_at AS at, u.name AS owner_name, CAST(NULL AS TEXT) AS extra \
                 FROM opportunities o JOIN customers c ON c.id = o.customer_id JOIN users u ON u.id = o.owner_id \
                 WHERE o.deleted_at IS NULL AND u.active = 1 AND o.stage = 'won' \
                 AND (c.last_contact_at IS NULL OR c.last_contact_at <= o.won_at) AND o.won_at > ",
            );
            sql.bind(from - days * DAY)
                .push(" AND o.won_at <= ")
                .bind(to - days * DAY);
            Ok(hits(conn, &sql)
                .await?
                .iter()
                .map(|h| Found {
                    user_id: h.owner_id,
                    kind: "post_sale_check",
                    entity_type: "opportunity",
                    entity_id: h.id,
                    due_at: Some(h.at + days * DAY),
                    dedupe_key: format!("post_sale_check:{}", h.id),
                    facts: facts(h, Some(days)),
                    escalated: false,
                })
                .collect())
        })
    }
}

fn local_day(ms: i64) -> String {
    crate::ssr::clock::from_ms(ms + i64::from(DEFAULT_UTC_OFFSET_MINUTES) * 60_000)
        .format("%Y-%m-%d")
        .to_string()
}

/// A contract ends in `renewal_days` and the customer has no open deal to renew it.
struct RenewalDue;
impl TimeRule for RenewalDue {
    fn name(&self) -> &'static str {
        "renewal_due"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let days = t.alerts.renewal_days;
            // Ends on a local day that came within `days` during the window.
            let (lo, hi) = (local_day(from + days * DAY), local_day(to + days * DAY));
            if lo == hi {
                return Ok(Vec::new());
            }
            let mut sql = Sql::new(
                "SELECT c.id, COALESCE(k.owner_id, c.owner_id) AS owner_id, c.name, k.id AS at, u.name AS owner_name, \
                 k.end_date AS extra FROM contracts k JOIN customers c ON c.id = k.customer_id \
                 JOIN users u ON u.id = COALESCE(k.owner_id, c.owner_id) \
                 WHERE k.deleted_at IS NULL AND u.active = 1 AND k.approval_status = 'approved' \
                 AND NOT EXISTS (SELECT 1 FROM opportunities o WHERE o.customer_id = k.customer_id \
                 AND o.deleted_at IS NULL AND o.stage NOT IN ('won', 'lost')) AND k.end_date > ",
            );
            sql.bind(lo).push(" AND k.end_date <= ").bind(hi);
            Ok(hits(conn, &sql)
                .await?
                .iter()
                .map(|h| Found {
                    user_id: h.owner_id,
                    kind: "renewal_due",
                    entity_type: "customer",
                    entity_id: h.id,
                    due_at: None,
                    // `at` carries the contract's id here.
                    dedupe_key: format!("renewal_due:{}", h.at),
                    facts: AlertFacts {
                        name: h.name.clone(),
                        owner_name: None,
                        n: Some(days),
                        extra: h.extra.clone(),
                    },
                    escalated: false,
                })
                .collect())
        })
    }
}

struct TaskDue;
impl TimeRule for TaskDue {
    fn name(&self) -> &'static str {
        "task_due"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        _t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let mut sql = Sql::new(
                "SELECT t.id, t.assignee_id AS owner_id, t.title AS name, t.due_at AS at, u.name AS owner_name, \
                 CAST(NULL AS TEXT) AS extra FROM tasks t JOIN users u ON u.id = t.assignee_id \
                 WHERE t.deleted_at IS NULL AND t.done_at IS NULL AND u.active = 1 AND t.due_at > ",
            );
            sql.bind(from).push(" AND t.due_at <= ").bind(to);
            Ok(hits(conn, &sql)
                .await?
                .iter()
                .map(|h| Found {
                    user_id: h.owner_id,
                    kind: "task_due",
                    entity_type: "task",
                    entity_id: h.id,
                    due_at: Some(h.at),
                    dedupe_key: format!("task_due:{}:{}", h.id, h.at),
                    facts: facts(h, None),
                    escalated: false,
                })
                .collect())
        })
    }
}

fn user_in(v: &serde_json::Value, side: &str, field: &str) -> Option<i64> {
    v.get(side)?.get(field)?.as_i64()
}

async fn lead_name(conn: &mut AnyConnection, id: i64) -> Result<String, sqlx::Error> {
    let mut sql = Sql::new("SELECT COALESCE(company, name) FROM leads WHERE id = ");
    sql.bind(id);
    Ok(sql
        .query_scalar::<String>()
        .fetch_optional(conn)
        .await?
        .unwrap_or_default())
}

async fn customer_name(conn: &mut AnyConnection, id: i64) -> Result<String, sqlx::Error> {
    let mut sql = Sql::new("SELECT name FROM customers WHERE id = ");
    sql.bind(id);
    Ok(sql
        .query_scalar::<String>()
        .fetch_optional(conn)
        .await?
        .unwrap_or_default())
}

async fn user_name(
    conn: &mut AnyConnection,
    id: Option<i64>,
) -> Result<Option<String>, sqlx::Error> {
    let Some(id) = id else { return Ok(None) };
    let mut sql = Sql::new("SELECT name FROM users WHERE id = ");
    sql.bind(id);
    sql.query_scalar::<String>().fetch_optional(conn).await
}

/// A lead was assigned (by a rule or by hand): its new owner hears at once.
struct LeadAssigned;
impl EventRule for LeadAssigned {
    fn handles(&self, kind: &str) -> bool {
        kind == "lead.assigned"
    }
    fn on<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        e: &'a OutboxEvent,
        _t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let v = e.json();
            let Some(owner) = user_in(&v, "after", "owner_id") else {
                return Ok(Vec::new());
            };
            let due = v
                .get("after")
                .and_then(|a| a.get("first_contact_due_at"))
                .and_then(|d| d.as_str())
                .and_then(|d| d.parse::<chrono::DateTime<chrono::Utc>>().ok())
                .map(|d| d.timestamp_millis());
            Ok(vec![Found {
                user_id: owner,
                kind: "lead_assigned",
                entity_type: "lead",
                entity_id: e.entity_id,
                due_at: due,
                dedupe_key: format!("lead_assigned:{}:{}", e.entity_id, e.id),
                facts: AlertFacts {
                    name: lead_name(conn, e.entity_id).await?,
                    ..AlertFacts::default()
                },
                escalated: false,
            }])
        })
    }
}

/// An MQL timed out and went back to the pool: its rep and their managers are told.
struct LeadReturned;
impl EventRule for LeadReturned {
    fn handles(&self, kind: &str) -> bool {
        kind == "lead.returned_to_pool"
    }
    fn on<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        e: &'a OutboxEvent,
        t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let v = e.json();
            let Some(owner) = user_in(&v, "before", "owner_id") else {
                return Ok(Vec::new());
            };
            let f = Found {
                user_id: owner,
                kind: "lead_returned",
                entity_type: "lead",
                entity_id: e.entity_id,
                due_at: None,
                dedupe_key: format!("lead_returned:{}:{}", e.entity_id, e.id),
                facts: AlertFacts {
                    name: lead_name(conn, e.entity_id).await?,
                    owner_name: user_name(conn, Some(owner)).await?,
                    n: Some(t.leads.mql_timeout_days),
                    extra: None,
                },
                escalated: false,
            };
            with_managers(conn, f, true).await
        })
    }
}

/// The pool took a customer back: the previous owner is told why.
struct PoolReclaimed;
impl EventRule for PoolReclaimed {
    fn handles(&self, kind: &str) -> bool {
        kind == "customer.reclaimed"
    }
    fn on<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        e: &'a OutboxEvent,
        _t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let v = e.json();
            let Some(owner) = user_in(&v, "before", "owner_id") else {
                return Ok(Vec::new());
            };
            let reason = v
                .get("after")
                .and_then(|a| a.get("reason"))
                .and_then(|r| r.as_str())
                .map(str::to_string);
            Ok(vec![Found {
                user_id: owner,
                kind: "pool_reclaimed",
                entity_type: "customer",
                entity_id: e.entity_id,
                due_at: None,
                dedupe_key: format!("pool_reclaimed:{}:{}", e.entity_id, e.id),
                facts: AlertFacts {
                    name: customer_name(conn, e.entity_id).await?,
                    extra: reason,
                    ..AlertFacts::default()
                },
                escalated: false,
            }])
        })
    }
}

/// Someone else gave a user a task.
struct TaskAssigned;
impl EventRule for TaskAssigned {
    fn handles(&self, kind: &str) -> bool {
        kind == "task.created" || kind == "task.assigned"
    }
    fn on<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        e: &'a OutboxEvent,
        _t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let v = e.json();
            let actor = v.get("actor_id").and_then(|a| a.as_i64());
            let Some(assignee) = user_in(&v, "after", "assignee_id") else {
                return Ok(Vec::new());
            };
            if Some(assignee) == actor || user_in(&v, "before", "assignee_id") == Some(assignee) {
                return Ok(Vec::new());
            }
            let title = v
                .get("after")
                .and_then(|a| a.get("title"))
                .and_then(|t| t.as_str())
                .unwrap_or_default()
                .to_string();
            Ok(vec![Found {
                user_id: assignee,
                kind: "task_assigned",
                entity_type: "task",
                entity_id: e.entity_id,
                due_at: None,
                dedupe_key: format!("task_assigned:{}:{}", e.entity_id, e.id),
                facts: AlertFacts {
                    name: title,
                    owner_name: user_name(conn, actor).await?,
                    ..AlertFacts::default()
                },
                escalated: false,
            }])
        })
    }
}
