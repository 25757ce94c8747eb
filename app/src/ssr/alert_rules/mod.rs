//! The alert rules. The engine knows only the two traits; a rule is a value in a list, so
//! the service-desk rules (ticket assigned, SLA, CSAT) and churn risk join by being added
//! to [`registry`], without a change to the engine.
//!
//! Time rules answer "what fell due in (from, to]?" with an indexed range query over a
//! due-time column (each record's store module has its own, returning
//! [`DueRecord`]s); event rules turn outbox events into alerts. The rules are filed by
//! what they watch: customers, leads, deals and contracts, tasks.
mod customers;
mod deals;
mod health;
mod leads;
mod tasks;
mod tickets;

use crate::domain::alerts::{AlertFacts, AlertKind, AlertRules};
use crate::domain::events::{Entity, EventKind};
use crate::domain::leads::LeadRules;
use crate::domain::pool::PoolRules;
use crate::ssr::store::due::DueRecord;
use crate::ssr::store::users;
use sqlx::AnyConnection;
use std::future::Future;
use std::pin::Pin;

pub use crate::ssr::store::outbox::OutboxEvent;

pub type RuleFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<Found>, sqlx::Error>> + Send + 'a>>;

/// Every threshold a rule may read, loaded once per tick.
#[derive(Debug, Clone, Default)]
pub struct Thresholds {
    pub alerts: AlertRules,
    pub pool: PoolRules,
    pub leads: LeadRules,
    pub sla: crate::domain::tickets::SlaRules,
    pub health: crate::domain::health::HealthWeights,
    /// The tick's time.
    pub now_ms: i64,
}

/// One alert a rule wants made (the engine renders and stores it).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub user_id: i64,
    pub kind: AlertKind,
    pub entity_type: Entity,
    pub entity_id: i64,
    pub due_at: Option<i64>,
    /// Unique per firing: the same rule, record, due time and user make one alert.
    pub dedupe_key: String,
    pub facts: AlertFacts,
    /// The manager's copy of an escalation.
    pub escalated: bool,
}

/// What a time rule is asked: what fell due in the window `(from, to]` (epoch ms).
pub struct Window<'a> {
    pub conn: &'a mut AnyConnection,
    pub from: i64,
    pub to: i64,
    pub t: &'a Thresholds,
}

/// What an event rule is given: one outbox event.
pub struct Fired<'a> {
    pub conn: &'a mut AnyConnection,
    pub e: &'a OutboxEvent,
    pub t: &'a Thresholds,
}

pub trait TimeRule: Send + Sync {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a>;
}

pub trait EventRule: Send + Sync {
    /// Whether it reads events of this kind, e.g. `lead.assigned`.
    fn handles(&self, kind: EventKind) -> bool;
    fn on<'a>(&'a self, ev: Fired<'a>) -> RuleFuture<'a>;
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
            Box::new(customers::FollowUpDue),
            Box::new(customers::FollowUpOverdue),
            Box::new(leads::LeadSlaWarning),
            Box::new(leads::LeadSlaBreach),
            Box::new(customers::SilentCustomer),
            Box::new(customers::PoolReclaimWarning),
            Box::new(deals::StageStalled),
            Box::new(deals::PostSaleCheck),
            Box::new(customers::RenewalDue),
            Box::new(deals::ReceivableOverdue),
            Box::new(health::HealthDue),
            Box::new(tasks::TaskDue),
            Box::new(tickets::TicketSlaWarning),
            Box::new(tickets::TicketSlaBreach),
        ],
        events: vec![
            Box::new(leads::LeadAssigned),
            Box::new(leads::LeadReturned),
            Box::new(customers::PoolReclaimed),
            Box::new(tasks::TaskAssigned),
            Box::new(tickets::TicketAssigned),
            Box::new(tickets::LowCsat),
            Box::new(health::HealthInputChanged),
        ],
    }
}

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// The owner's alert of `kind` about a record that fell due, unique per record and due
/// time (`{kind}:{id}:{at}`; [`Found::keyed`] for another key).
fn owner_alert(
    kind: AlertKind,
    entity_type: Entity,
    h: &DueRecord,
    due_at: Option<i64>,
    n: Option<i64>,
) -> Found {
    Found {
        user_id: h.owner_id,
        kind,
        entity_type,
        entity_id: h.id,
        due_at,
        dedupe_key: format!("{kind}:{}:{}", h.id, h.at),
        facts: AlertFacts {
            name: h.name.clone(),
            owner_name: h.owner_name.clone(),
            n,
            extra: h.extra.clone(),
        },
        escalated: false,
    }
}

/// The alert of `kind` an outbox event makes for `user_id`, once per event
/// (`{kind}:{entity id}:{event id}`).
fn event_alert(
    kind: AlertKind,
    entity_type: Entity,
    e: &OutboxEvent,
    user_id: i64,
    facts: AlertFacts,
) -> Found {
    Found {
        user_id,
        kind,
        entity_type,
        entity_id: e.entity_id,
        due_at: None,
        dedupe_key: format!("{kind}:{}:{}", e.entity_id, e.id),
        facts,
        escalated: false,
    }
}

impl Found {
    /// The same alert unique by `{kind}:{rest}` instead.
    fn keyed(self, rest: impl std::fmt::Display) -> Found {
        Found {
            dedupe_key: format!("{}:{rest}", self.kind),
            ..self
        }
    }
}

/// The copies of an alert for the active managers of its user's team.
async fn managers_copies(
    conn: &mut AnyConnection,
    found: &Found,
) -> Result<Vec<Found>, sqlx::Error> {
    Ok(users::managers_of(conn, found.user_id)
        .await?
        .into_iter()
        .map(|m| Found {
            user_id: m,
            dedupe_key: format!("{}:m{m}", found.dedupe_key),
            escalated: true,
            ..found.clone()
        })
        .collect())
}

/// The owner's alert and its managers' copies.
async fn with_managers(conn: &mut AnyConnection, found: Found) -> Result<Vec<Found>, sqlx::Error> {
    let mut out = managers_copies(conn, &found).await?;
    out.insert(0, found);
    Ok(out)
}

/// The alert of `kind` for a record's new assignee (`after.assignee_id`) when someone
/// else gave it to them, named by `after.{name_field}` and by who gave it; nothing when
/// they took it themselves or already had it.
async fn given_by_someone_else(
    ev: Fired<'_>,
    kind: AlertKind,
    entity: Entity,
    name_field: &str,
) -> Result<Vec<Found>, sqlx::Error> {
    let Fired { conn, e, .. } = ev;
    let v = e.json();
    let actor = v.get("actor_id").and_then(|a| a.as_i64());
    let Some(assignee) = user_in(&v, "after", "assignee_id") else {
        return Ok(Vec::new());
    };
    if Some(assignee) == actor || user_in(&v, "before", "assignee_id") == Some(assignee) {
        return Ok(Vec::new());
    }
    let given_by = match actor {
        Some(a) => users::name_of(conn, a).await?,
        None => None,
    };
    let facts = AlertFacts {
        name: text_after(&v, name_field).unwrap_or_default(),
        owner_name: given_by,
        ..AlertFacts::default()
    };
    Ok(vec![event_alert(kind, entity, e, assignee, facts)])
}

/// A user id at `side` (`before` / `after`) `field` of an event's payload.
fn user_in(v: &serde_json::Value, side: &str, field: &str) -> Option<i64> {
    v.get(side)?.get(field)?.as_i64()
}

/// A text at `after.field` of an event's payload.
fn text_after(v: &serde_json::Value, field: &str) -> Option<String> {
    v.get("after")?.get(field)?.as_str().map(str::to_string)
}
