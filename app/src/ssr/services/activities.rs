//! Logging follow-ups: a call, visit or message, and the next step. Logging moves the
//! customer's last contact and sets (or clears) its next follow-up in the same transaction.
use super::write::audited_new;
use super::Check;
use crate::domain::events::{Action, Entity};
use crate::domain::validate::optional_text;
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::activities::{self as store, InsertActivity};
use crate::ssr::store::audit as audit_store;
use crate::ssr::store::contacts;
use crate::ssr::store::customers as customers_store;
use crate::ssr::store::db::is_unique_violation;
use crate::ssr::store::scope::Access;
use base64::Engine;
use sqlx::AnyConnection;

pub async fn log(state: &AppState, viewer: &Viewer, input: NewActivity) -> AppResult<Activity> {
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let mut check = Check::new();
    let kind = check
        .field("kind", input.kind.value().map(Some))
        .unwrap_or(ActivityKind::Note);
    let summary = check
        .field(
            "summary",
            optional_text(input.summary.as_deref().unwrap_or(""), 500),
        )
        .unwrap_or_else(|| {
            kind.label(crate::i18n::Lang::parse(&viewer.locale).unwrap_or_default())
                .to_string()
        });
    let client_id = client_id_of(&mut check, input.client_id.as_deref());
    let occurred_at = input.occurred_at.unwrap_or(now);
    if occurred_at > now + chrono::Duration::minutes(5) {
        check.fail("occurred_at", "cannot be in the future");
    }
    if let Some(next) = input.next_follow_up_at {
        // A follow-up sent from a phone's queue may arrive after the next step it planned:
        // it stands (overdue) as long as it comes after the follow-up itself.
        if client_id.is_some() && next <= occurred_at {
            check.fail("next_follow_up_at", "must be after the follow-up");
        } else if client_id.is_none() && next <= now {
            check.fail("next_follow_up_at", "must be in the future");
        }
    }
    match (input.latitude, input.longitude) {
        (None, None) => {}
        (Some(lat), Some(lng))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng) => {}
        _ => check.fail("latitude", "give both latitude and longitude, in degrees"),
    }

    let mut tx = state.db.begin().await?;
    if let Some(id) = client_id.as_deref() {
        match store::by_client_id(&mut tx, viewer, id).await? {
            Some(Ok(logged)) => return Ok(logged),
            Some(Err(_)) => check.fail("client_id", "already used"),
            None => {}
        }
    }
    let customer =
        super::customers::writable_for_input(&mut tx, viewer, &mut check, input.customer_id).await;
    let customer = match (customer, client_id.is_some()) {
        (Ok(None) | Err(AppError::Forbidden), true) => {
            return Err(no_longer_theirs(&mut tx, viewer, input.customer_id).await?)
        }
        (c, _) => c?,
    };
    if let Some(contact_id) = input.contact_id {
        match contacts::get(&mut *tx, viewer, contact_id, Access::Read).await? {
            Some(k) if k.customer_id == input.customer_id => {}
            _ => check.fail("contact_id", "not a contact of this customer"),
        }
    }
    if let Some(opp) = input.opportunity_id {
        if !crate::ssr::store::deals::is_deal_of(&mut tx, opp, input.customer_id).await? {
            check.fail("opportunity_id", "not an opportunity of this customer");
        }
    }
    check.finish()?;
    let customer = customer.ok_or(AppError::NotFound)?;
    let next_ms = input.next_follow_up_at.map(|t| t.timestamp_millis());
    let id = store::insert(
        &mut tx,
        &InsertActivity {
            customer_id: customer.id,
            contact_id: input.contact_id,
            opportunity_id: input.opportunity_id,
            kind,
            summary: &summary,
            occurred_at: occurred_at.timestamp_millis(),
            next_follow_up_at: next_ms,
            latitude: input.latitude,
            longitude: input.longitude,
            user_id: viewer.user_id,
            now_ms,
            client_id: client_id.as_deref(),
        },
    )
    .await;
    let id = match id {
        // The same follow-up sent at once from a second tab: the first one's is the answer.
        Err(e) if client_id.is_some() && is_unique_violation(&e) => {
            drop(tx);
            let mut conn = state.db.read.acquire().await?;
            let id = client_id.as_deref().unwrap_or_default();
            return match store::by_client_id(&mut conn, viewer, id).await? {
                Some(Ok(logged)) => Ok(logged),
                _ => Err(AppError::field("client_id", "already used")),
            };
        }
        id => id?,
    };
    store::touch_customer(
        &mut tx,
        customer.id,
        occurred_at.timestamp_millis(),
        next_ms,
        viewer.user_id,
        now_ms,
    )
    .await?;
    let rules = super::pool::rules(&mut *tx).await?;
    crate::ssr::store::pool::refresh_reclaim(&mut tx, Some(customer.id), &rules).await?;
    let activity = store::get(&mut *tx, viewer, id).await?;
    let activity = audited_new(
        &mut tx,
        viewer,
        (Entity::Activity, Action::Created, id),
        activity,
        now_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(activity)
}

/// A device's id for a follow-up, as a UUID in its one spelling (lower case, hyphens).
fn client_id_of(check: &mut Check, given: Option<&str>) -> Option<String> {
    let given = given.map(str::trim).filter(|g| !g.is_empty())?;
    match uuid::Uuid::try_parse(given) {
        Ok(id) => Some(id.hyphenated().to_string()),
        Err(_) => {
            check.fail("client_id", "not a UUID");
            None
        }
    }
}

/// A follow-up written on a phone for a customer that has since left the rep (handed to
/// another rep, back in the pool, deleted): a conflict the rep is told, by its reason,
/// not a form error. A customer the rep never held is "no such customer", as one that
/// never existed: another rep's customer is not revealed to exist.
async fn no_longer_theirs(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    customer_id: i64,
) -> AppResult<AppError> {
    let no_such = || AppError::field("customer_id", "no such customer");
    let Some((_, owner)) = customers_store::name_and_owner(conn, customer_id).await? else {
        return Ok(no_such());
    };
    let me = viewer.user_id;
    let reason = match owner {
        Some(o) if o == me => "customer_removed",
        // The pool is open to every rep: that it holds the customer reveals nothing.
        None => "customer_in_pool",
        Some(_) => {
            // Every hand-over is in the audit trail, with the owner before and after.
            if !audit_store::shows_owner(conn, customer_id, me).await? {
                return Ok(no_such());
            }
            "customer_reassigned"
        }
    };
    Ok(AppError::NoLongerYours(reason.to_string()))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    /// The customer whose timeline to read (required).
    pub customer_id: Option<i64>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    q: ActivityQuery,
) -> AppResult<Page<Activity>> {
    let limit = super::page_limit(q.limit)?;
    let Some(customer_id) = q.customer_id else {
        return Err(AppError::field(
            "customer_id",
            "name the customer whose activities to list",
        ));
    };
    let before = match q.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            crate::ssr::store::decode_pair("at", c)
                .ok_or_else(|| AppError::field("cursor", "not a cursor this server gave out"))?,
        ),
    };
    // Out-of-scope customers answer 404 rather than an empty list.
    super::customers::get(state, viewer, customer_id).await?;
    let mut rows = store::for_customer(&state.db.read, viewer, customer_id, before, limit).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last()
            .map(|a| crate::ssr::store::encode_pair("at", a.occurred_at.timestamp_millis(), a.id))
    } else {
        None
    };
    Ok(Page {
        items: rows,
        next_cursor,
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn encode_key(key: &crate::ssr::store::timeline::TimelineKey) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("tl:{}:{}:{}", key.0, key.1, key.2))
}

fn decode_key(cursor: &str) -> Option<crate::ssr::store::timeline::TimelineKey> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.strip_prefix("tl:")?.splitn(3, ':');
    let at = parts.next()?.parse().ok()?;
    let src = parts.next()?.to_string();
    let id = parts.next()?.parse().ok()?;
    Some((at, src, id))
}

/// A customer's whole story, newest first: follow-ups, stage changes, tasks, tickets,
/// contracts and changes of owner. Out-of-scope customers answer 404.
pub async fn timeline(
    state: &AppState,
    viewer: &Viewer,
    customer_id: i64,
    q: TimelineQuery,
) -> AppResult<Page<TimelineItem>> {
    super::customers::get(state, viewer, customer_id).await?;
    timeline_checked(state, customer_id, q).await
}

/// `timeline` once the caller has read the customer in the viewer's scope.
pub(super) async fn timeline_checked(
    state: &AppState,
    customer_id: i64,
    q: TimelineQuery,
) -> AppResult<Page<TimelineItem>> {
    let limit = super::page_limit(q.limit)?;
    let before = match q.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            decode_key(c)
                .ok_or_else(|| AppError::field("cursor", "not a cursor this server gave out"))?,
        ),
    };
    let mut rows = crate::ssr::store::timeline::for_customer(
        &state.db.read,
        customer_id,
        before.as_ref(),
        limit,
    )
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last()
            .map(|r| encode_key(&(r.at.timestamp_millis(), r.kind.clone(), r.id)))
    } else {
        None
    };
    Ok(Page {
        items: rows,
        next_cursor,
    })
}
