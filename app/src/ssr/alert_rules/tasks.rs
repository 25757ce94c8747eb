//! Rules that watch tasks: a task falling due, a task given by someone else.
use super::{
    event_alert, owner_alert, text_after, user_in, EventRule, OutboxEvent, RuleFuture, Thresholds,
    TimeRule,
};
use crate::domain::alerts::{AlertFacts, AlertKind};
use crate::domain::events::{Action, Entity, EventKind};
use crate::ssr::store::{tasks, users};
use sqlx::AnyConnection;

pub(super) struct TaskDue;
impl TimeRule for TaskDue {
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        _t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            Ok(tasks::due_between(conn, from, to)
                .await?
                .iter()
                .map(|h| owner_alert(AlertKind::TaskDue, Entity::Task, h, Some(h.at), None))
                .collect())
        })
    }
}

/// Someone else gave a user a task.
pub(super) struct TaskAssigned;
impl EventRule for TaskAssigned {
    fn handles(&self, kind: EventKind) -> bool {
        kind.entity == Entity::Task && matches!(kind.action, Action::Created | Action::Assigned)
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
            let given_by = match actor {
                Some(a) => users::name_of(conn, a).await?,
                None => None,
            };
            let facts = AlertFacts {
                name: text_after(&v, "title").unwrap_or_default(),
                owner_name: given_by,
                ..AlertFacts::default()
            };
            Ok(vec![event_alert(
                AlertKind::TaskAssigned,
                Entity::Task,
                e,
                assignee,
                facts,
            )])
        })
    }
}
