//! The alert engine and the alert centre.
//!
//! A tick (one at a time per process; on PostgreSQL one instance at a time, by advisory
//! lock) runs the sweeps that move records (pool reclaim, MQL timeout), turns outbox events
//! into alerts, runs the time rules over the window since the last tick, and stores every
//! alert with its dedupe key — all in one transaction with the progress it made. Only then
//! is the hub woken to push them.
use crate::domain::alerts::{render, AlertKind, AlertRules};
use crate::domain::events::EventKind;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::model::{Alert, AlertCount, Page};
use crate::ssr::alert_rules::{registry, Fired, Found, Thresholds, Window};
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::hub::Push;
use crate::ssr::services::leader::Leadership;
use crate::ssr::store::alerts::{self as store, NewAlert};
use crate::ssr::store::db::Backend;
use crate::ssr::store::{outbox, settings, users};
use std::collections::HashMap;
use std::time::Duration;

pub const SETTING: &str = "alerts";
/// How far the time rules have looked, in epoch ms.
const WATERMARK: &str = "time_rules_until";
/// The NOTIFY channel telling every instance about new alerts and reads.
pub const CHANNEL: &str = "tandem_alerts";
/// The advisory lock held by the instance running the scheduler.
const SCHEDULER_LOCK: i64 = 7_265_001;

pub async fn rules<'e>(ex: impl sqlx::Executor<'e, Database = sqlx::Any>) -> AppResult<AlertRules> {
    Ok(settings::get::<AlertRules>(ex, SETTING).await?)
}

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    pub events: usize,
    pub alerts: usize,
}

/// One pass of the engine at the clock's current time.
pub async fn tick(state: &AppState) -> AppResult<TickReport> {
    let _one = state.hub.engine.lock().await;
    // Sweeps first: what they change lands in the outbox and is read below.
    super::pool::reclaim_due(state).await?;
    super::lead_timeout::mql_timeout_due(state).await?;
    super::tickets::auto_close(state).await?;

    let rules_in_force = registry();
    let (time_rules, event_rules) = (&rules_in_force.time, &rules_in_force.events);
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let t = Thresholds {
        alerts: rules(&mut *tx).await?,
        pool: super::pool::rules(&mut *tx).await?,
        leads: super::leads::rules(&mut tx).await?,
        sla: super::tickets::clock_rules(&mut tx).await?.sla,
        health: super::health::weights(&mut tx).await?,
        now_ms: now,
    };
    let mut found: Vec<Found> = Vec::new();

    let events = outbox::unprocessed(&mut tx, 2000).await?;
    for e in &events {
        // An event this version cannot read is not guessed at; it is reported and passed.
        let Some(kind) = EventKind::parse(&e.kind) else {
            tracing::error!(id = e.id, kind = %e.kind, "outbox event of an unknown kind passed over");
            continue;
        };
        for rule in event_rules.iter().filter(|r| r.handles(kind)) {
            let fired = Fired {
                conn: &mut tx,
                e,
                t: &t,
            };
            found.extend(rule.on(fired).await?);
        }
    }
    if let (Some(first), Some(last)) = (events.first(), events.last()) {
        outbox::mark_processed(&mut tx, first.id, last.id, now).await?;
    }

    let mut breaches = 0;
    match store::state_get(&mut *tx, WATERMARK).await? {
        Some(from) if from < now => {
            for rule in time_rules {
                let window = Window {
                    conn: &mut tx,
                    from,
                    to: now,
                    t: &t,
                };
                found.extend(rule.find(window).await?);
            }
            // The same window records every SLA breach for the KPIs, assigned or not.
            breaches = crate::ssr::store::sla::record_breaches(&mut tx, from, now).await?;
            store::state_set(&mut *tx, WATERMARK, now).await?;
        }
        Some(_) => {}
        // First start: rules look forward from now, not over all history.
        None => store::state_set(&mut *tx, WATERMARK, now).await?,
    }

    let mut locales: HashMap<i64, Lang> = HashMap::new();
    let mut made = 0;
    for f in found {
        let lang = match locales.get(&f.user_id) {
            Some(l) => *l,
            None => {
                let Some(locale) = users::active_locale(&mut tx, f.user_id).await? else {
                    continue;
                };
                let l = Lang::parse(&locale).unwrap_or_default();
                locales.insert(f.user_id, l);
                l
            }
        };
        let (title, body) = render(lang, f.kind, &f.facts, f.escalated);
        let row = NewAlert {
            user_id: f.user_id,
            kind: f.kind,
            entity_type: f.entity_type.as_str().to_string(),
            entity_id: f.entity_id,
            title,
            body,
            due_at: f.due_at,
            dedupe_key: f.dedupe_key,
        };
        if store::insert(&mut tx, &row, now).await?.is_some() {
            made += 1;
        }
    }
    tx.commit().await?;
    if made > 0 {
        announce(state, "new").await;
    }
    // Dashboards open anywhere read their tiles again when a write or a breach may have
    // moved them.
    let moved = breaches > 0
        || events
            .iter()
            .filter_map(|e| EventKind::parse(&e.kind))
            .any(crate::domain::kpis::moves_kpis);
    if moved {
        announce(state, "kpi").await;
    }
    Ok(TickReport {
        events: events.len(),
        alerts: made,
    })
}

/// Tells this instance's hub, and on PostgreSQL every instance, about new alerts ("new"),
/// KPIs that may have moved ("kpi"),
/// reads ("read:{user}:{ids}", "readall:{user}:{upto}") or ended sessions
/// ("end:{user}:{credential hash}", "end:{user}:*").
pub(crate) async fn announce(state: &AppState, message: &str) {
    match state.db.backend {
        Backend::Sqlite => apply(state, message),
        Backend::Postgres => {
            // The listener of every instance, this one included, applies it.
            if store::notify(&state.db.write, CHANNEL, message)
                .await
                .is_err()
            {
                apply(state, message);
            }
        }
    }
}

/// Applies an announcement to this instance's sockets.
pub fn apply(state: &AppState, message: &str) {
    let mut parts = message.split(':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("new"), _, _) => state.hub.wake.notify_one(),
        (Some("read"), Some(user), Some(ids)) => {
            if let Ok(user) = user.parse() {
                let ids = ids.split(',').filter_map(|i| i.parse().ok()).collect();
                state.hub.push(user, Push::Read(ids));
            }
        }
        (Some("readall"), Some(user), Some(upto)) => {
            if let (Ok(user), Ok(upto)) = (user.parse(), upto.parse()) {
                state.hub.push(user, Push::ReadAll(upto));
            }
        }
        (Some("kpi"), _, _) => {
            state.hub.kpis_changed();
        }
        (Some("queue"), Some(users), _) => {
            for user in users.split(',').filter_map(|u| u.parse().ok()) {
                state.hub.push(user, Push::Queue);
            }
        }
        (Some("end"), Some(user), Some(which)) => {
            if let Ok(user) = user.parse() {
                let which = (which != "*").then(|| std::sync::Arc::<str>::from(which));
                state.hub.push(user, Push::Ended(which));
            }
        }
        _ => {}
    }
}

/// Pushes new alerts to the sockets open here, forever: woken by a commit or a NOTIFY,
/// and at least every `poll`, it reads alerts newer than the last it pushed.
pub async fn dispatch(state: AppState, poll: Duration) {
    let mut last = loop {
        match store::max_id(&state.db.read).await {
            Ok(id) => break id,
            Err(_) => tokio::time::sleep(poll).await,
        }
    };
    loop {
        let _ = tokio::time::timeout(poll, state.hub.wake.notified()).await;
        loop {
            let Ok(batch) = store::after(&state.db.read, last, 1000).await else {
                break;
            };
            let Some((_, newest)) = batch.last() else {
                break;
            };
            last = newest.id;
            let full = batch.len() == 1000;
            let mut delivered = Vec::new();
            for (user, alert) in batch {
                // Most alerts are for people with no socket here: skip serialising those.
                if !state.hub.has(user) {
                    continue;
                }
                let id = alert.id;
                let alert = std::sync::Arc::new(alert);
                let message = crate::model::WsMessage::Alert {
                    alert: (*alert).clone(),
                };
                let Ok(text) = serde_json::to_string(&message) else {
                    continue;
                };
                if state.hub.push(user, Push::Alert(alert, text.into())) {
                    delivered.push(id);
                }
            }
            let now = state.clock.now_ms();
            for chunk in delivered.chunks(500) {
                let _ = store::mark_delivered(&state.db.write, chunk, now).await;
            }
            if !full {
                break;
            }
        }
    }
}

/// On PostgreSQL, listens for announcements from every instance (reconnecting as needed).
pub async fn listen(state: AppState) {
    if state.db.backend != Backend::Postgres {
        return;
    }
    loop {
        match sqlx::postgres::PgListener::connect(&state.db.url).await {
            Ok(mut listener) => {
                if listener.listen(CHANNEL).await.is_ok() {
                    // Whatever was announced while we were away is read by id anyway.
                    state.hub.wake.notify_one();
                    while let Ok(n) = listener.recv().await {
                        apply(&state, n.payload());
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "alert listener cannot connect"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Runs the engine every `every` while this instance holds the scheduler lock (always on
/// SQLite; on PostgreSQL the first instance to take the advisory lock, until it dies).
pub async fn schedule(state: AppState, every: Duration) {
    let mut leader = Leadership::new(SCHEDULER_LOCK);
    loop {
        if leader.holds(&state).await {
            if let Err(e) = tick(&state).await {
                tracing::warn!(error = %e, "alert engine tick failed");
                leader.recheck().await;
            }
        }
        tokio::time::sleep(every).await;
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    /// Only this kind, e.g. follow_up_due.
    pub kind: Option<String>,
    /// Only unread ones.
    pub unread: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The viewer's alerts: unread first, newest first.
pub async fn list(state: &AppState, viewer: &Viewer, q: AlertQuery) -> AppResult<Page<Alert>> {
    let limit = super::page_limit(q.limit)?;
    let kind = match q.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(
            AlertKind::parse(k)
                .ok_or_else(|| AppError::field("kind", "not a kind of alert Tandem sends"))?,
        ),
    };
    let after = match q.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            crate::ssr::store::decode_pair("al", c)
                .ok_or_else(|| AppError::field("cursor", "not a cursor this server gave out"))?,
        ),
    };
    let mut rows = store::list(
        &state.db.read,
        viewer.user_id,
        kind,
        q.unread.unwrap_or(false),
        after,
        limit,
    )
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last()
            .map(|a| crate::ssr::store::encode_pair("al", i64::from(a.read_at.is_none()), a.id))
    } else {
        None
    };
    Ok(Page {
        items: rows,
        next_cursor,
    })
}

pub async fn unread(state: &AppState, viewer: &Viewer) -> AppResult<AlertCount> {
    Ok(AlertCount {
        unread: store::unread_count(&state.db.read, viewer.user_id).await?,
    })
}

/// Marks one of the viewer's alerts read, on every device. Someone else's: 404.
pub async fn read(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Alert> {
    let now = state.clock.now_ms();
    if store::mark_read(&state.db.write, viewer.user_id, id, now).await? {
        announce(state, &format!("read:{}:{id}", viewer.user_id)).await;
    }
    store::get(&state.db.read, viewer.user_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Marks every unread alert of the viewer read, on every device.
pub async fn read_all(state: &AppState, viewer: &Viewer) -> AppResult<AlertCount> {
    let now = state.clock.now_ms();
    let upto = store::max_id(&state.db.read).await?;
    let changed = store::mark_all_read(&state.db.write, viewer.user_id, upto, now).await?;
    if changed > 0 {
        announce(state, &format!("readall:{}:{upto}", viewer.user_id)).await;
    }
    unread(state, viewer).await
}

/// The viewer's alerts after `after`, oldest first, marked delivered (the socket's replay).
pub async fn replay(
    state: &AppState,
    user_id: i64,
    after: i64,
    limit: i64,
) -> AppResult<Vec<Alert>> {
    let rows = store::after_for_user(&state.db.read, user_id, after, limit).await?;
    let fresh: Vec<i64> = rows
        .iter()
        .filter(|a| a.delivered_at.is_none())
        .map(|a| a.id)
        .collect();
    store::mark_delivered(&state.db.write, &fresh, state.clock.now_ms()).await?;
    Ok(rows)
}
