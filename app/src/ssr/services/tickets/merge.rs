//! Merging a duplicate ticket into another: the same problem reported twice (a call and an
//! email, two colleagues of one customer) is worked once. The duplicate's conversation,
//! files and queued mail move to the ticket it is merged into, both get an internal note
//! saying so, and the duplicate is closed and names where it went; a customer's later reply
//! to the duplicate joins that ticket.
use super::*;
use crate::i18n::Lang;
use crate::ssr::store::ticket_messages::NewMessage;

pub async fn merge(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    m: TicketMerge,
) -> AppResult<TicketDetail> {
    may_work(viewer)?;
    let Opened {
        mut tx,
        rules,
        now,
        mut row,
        before,
    } = open_write(state, viewer, id, Some(m.version)).await?;
    let now_ms = now.timestamp_millis();
    let mut check = Check::new();
    let target = if m.into == id {
        check.fail("into", "a ticket cannot be merged into itself");
        None
    } else {
        read(&mut tx, viewer, m.into, &rules, now).await?
    };
    match &target {
        None if m.into != id => check.fail("into", "no such ticket"),
        Some(t) if t.status == TicketStatus::Closed || t.merged_into_id.is_some() => {
            check.fail("into", "a closed ticket takes no merges; reopen it first")
        }
        _ => {}
    }
    if row.merged_into_id.is_some() {
        check.fail("into", "this ticket was merged already");
    }
    check.finish()?;
    let Some(target) = target else {
        return Err(AppError::Internal);
    };
    said::move_conversation(&mut tx, id, target.id).await?;
    let lang = Lang::parse(&viewer.locale).unwrap_or(Lang::ZhCn);
    let notes = [
        (
            target.id,
            match lang {
                Lang::ZhCn => format!("已将工单 #{id}「{}」合并到此工单。", row.subject),
                Lang::En => format!("Ticket #{id} ({}) was merged into this one.", row.subject),
            },
        ),
        (
            id,
            match lang {
                Lang::ZhCn => format!("已合并到工单 #{}。", target.id),
                Lang::En => format!("Merged into ticket #{}.", target.id),
            },
        ),
    ];
    for (ticket, body) in &notes {
        let note = NewMessage {
            author: Some(viewer.user_id),
            body,
            internal: true,
            email_message_id: None,
        };
        said::add_message(&mut tx, *ticket, &note, now_ms).await?;
    }
    move_status(&mut tx, &mut row, TicketStatus::Closed, now_ms).await?;
    row.merged_into_id = Some(target.id);
    let saved = Save {
        row: &row,
        before: &before,
        action: Action::Merged,
        actor: Some(viewer),
        reader: viewer,
    };
    save_or_stale(&mut tx, saved, &rules, now).await?;
    let ticket = read(&mut tx, viewer, target.id, &rules, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let messages = conversation(&mut tx, target.id).await?;
    tx.commit().await?;
    Ok(TicketDetail { ticket, messages })
}

/// The ticket a customer's words about `id` belong to: `id`, or where it was merged to
/// (followed a few hops, should merged tickets have been merged again).
pub(super) async fn live_ticket(conn: &mut AnyConnection, id: i64) -> AppResult<i64> {
    let mut at = id;
    for _ in 0..8 {
        match store::merged_into(&mut *conn, at).await? {
            Some(next) => at = next,
            None => break,
        }
    }
    Ok(at)
}
