//! Rules that watch tasks: a task falling due, a task given by someone else.
use super::{given_by_someone_else, owner_alert, EventRule, Fired, RuleFuture, TimeRule, Window};
use crate::domain::alerts::AlertKind;
use crate::domain::events::{Action, Entity, EventKind};
use crate::ssr::store::tasks;

pub(super) struct TaskDue;
impl TimeRule for TaskDue {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, .. } = w;
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
    fn on<'a>(&'a self, ev: Fired<'a>) -> RuleFuture<'a> {
        Box::pin(given_by_someone_else(
            ev,
            AlertKind::TaskAssigned,
            Entity::Task,
            "title",
        ))
    }
}
