//! Customer health in the engine: recomputed when an input changes (an event about a
//! customer, follow-up, ticket, survey or contract) and when its own due time comes; the
//! churn-risk alert goes to the owner and their managers once per crossing below the line.
use super::{managers_copies, EventRule, Fired, Found, RuleFuture, TimeRule, Window};
use crate::domain::alerts::{AlertFacts, AlertKind};
use crate::domain::events::{Entity, EventKind};
use crate::ssr::services::health::{recompute, AtRisk};
use crate::ssr::store::health::{customer_of, due_between};
use sqlx::AnyConnection;

/// The table whose rows belong to a customer, for the entities health reads.
fn table_of(entity: Entity) -> Option<&'static str> {
    match entity {
        Entity::Customer => Some("customers"),
        Entity::Activity => Some("activities"),
        Entity::Ticket => Some("tickets"),
        Entity::Survey => Some("surveys"),
        Entity::Contract => Some("contracts"),
        _ => None,
    }
}

/// The owner's alert and their managers' copies, unique per crossing (`at` names it).
async fn churn_alerts(
    conn: &mut AnyConnection,
    r: AtRisk,
    at: impl std::fmt::Display,
) -> Result<Vec<Found>, sqlx::Error> {
    let Some(owner) = r.owner_id else {
        return Ok(Vec::new());
    };
    let found = Found {
        user_id: owner,
        kind: AlertKind::ChurnRisk,
        entity_type: Entity::Customer,
        entity_id: r.customer_id,
        due_at: None,
        dedupe_key: format!("{}:{}:{at}", AlertKind::ChurnRisk, r.customer_id),
        facts: AlertFacts {
            name: r.name,
            owner_name: None,
            n: Some(r.score),
            extra: serde_json::to_string(&r.factors).ok(),
        },
        escalated: false,
    };
    let mut out = managers_copies(conn, &found).await?;
    out.insert(0, found);
    Ok(out)
}

pub(super) struct HealthInputChanged;
impl EventRule for HealthInputChanged {
    fn handles(&self, kind: EventKind) -> bool {
        table_of(kind.entity).is_some()
    }
    fn on<'a>(&'a self, ev: Fired<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Fired { conn, e, t } = ev;
            let Some(table) = Entity::parse(&e.entity_type).and_then(table_of) else {
                return Ok(Vec::new());
            };
            let Some(customer) = customer_of(conn, table, e.entity_id).await? else {
                return Ok(Vec::new());
            };
            match recompute(conn, customer, t.now_ms, &t.health).await? {
                Some(r) => churn_alerts(conn, r, format!("e{}", e.id)).await,
                None => Ok(Vec::new()),
            }
        })
    }
}

pub(super) struct HealthDue;
impl TimeRule for HealthDue {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, t } = w;
            let mut out = Vec::new();
            for customer in due_between(conn, from, to).await? {
                if let Some(r) = recompute(conn, customer, to, &t.health).await? {
                    out.extend(churn_alerts(conn, r, format!("t{to}")).await?);
                }
            }
            Ok(out)
        })
    }
}
