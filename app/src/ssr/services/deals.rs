//! The pipeline: deals move through stages only when the stage's entry criteria are met;
//! "won" needs a contract a manager approved, and approving one wins its deal.
use super::write::{audited, audited_new, check_version, stale, Versioned};
use super::{into_page, page_cursor, page_limit, Check};
use crate::domain::events::{Action, Entity};
use crate::domain::forecast::ForecastCategory;
use crate::domain::pipeline::{missing_for, DealFacts, PipelineRules, Stage};
use crate::domain::validate::{optional_text, required_text};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::clock::iso_date;
use crate::ssr::context::AppState;
use crate::ssr::store::deals as store;
use crate::ssr::store::scope::Access;
use crate::ssr::store::settings;
use sqlx::AnyConnection;

pub const SETTING: &str = "pipeline";

/// The admin's pipeline settings: stage probabilities and entry criteria.
pub async fn rules<'e>(
    ex: impl sqlx::Executor<'e, Database = sqlx::Any>,
) -> AppResult<PipelineRules> {
    Ok(settings::get::<PipelineRules>(ex, SETTING).await?)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpportunityQuery {
    pub customer_id: Option<i64>,
    pub owner_id: Option<i64>,
    /// Only deals not yet won or lost.
    pub open: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    q: OpportunityQuery,
) -> AppResult<Page<Opportunity>> {
    list_on(&state.db.read, viewer, q).await
}

/// `list` on a connection the caller holds (a page reading several things in turn).
pub(crate) async fn list_on<'e>(
    ex: impl sqlx::Executor<'e, Database = sqlx::Any>,
    viewer: &Viewer,
    q: OpportunityQuery,
) -> AppResult<Page<Opportunity>> {
    let limit = page_limit(q.limit)?;
    let filter = store::OppFilter {
        customer_id: q.customer_id,
        owner_id: q.owner_id,
        open_only: q.open.unwrap_or(false),
        before_id: page_cursor(q.cursor.as_deref())?,
        limit,
    };
    let rows = store::list(ex, viewer, &filter).await?;
    Ok(into_page(rows, limit, |o| o.id))
}

pub async fn get(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Opportunity> {
    store::get(&state.db.read, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::NotFound)
}

pub(super) fn check_date(check: &mut Check, field: &str, v: Option<&str>) -> Option<String> {
    let v = v.map(str::trim).filter(|s| !s.is_empty())?;
    match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(iso_date(d)),
        Err(_) => {
            check.fail(field, "a date like 2026-12-31");
            None
        }
    }
}

pub(super) fn check_amount(check: &mut Check, v: Option<i64>) -> Option<i64> {
    match v {
        Some(a) if !(1..=100_000_000_000_000).contains(&a) => {
            check.fail("amount_minor", "a positive amount in fen (1 yuan = 100)");
            None
        }
        other => other,
    }
}

pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    input: NewOpportunity,
) -> AppResult<Opportunity> {
    let now = state.clock.now();
    let mut check = Check::new();
    let name = check.field("name", required_text(&input.name, 200));
    let amount = check_amount(&mut check, input.amount_minor);
    let expected_close = check_date(
        &mut check,
        "expected_close",
        input.expected_close.as_deref(),
    );
    let currency = input.currency.unwrap_or_else(|| "CNY".into());
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        check.fail("currency", "a three-letter ISO code such as CNY");
    }
    let mut tx = state.db.begin().await?;
    let customer =
        super::customers::writable_for_input(&mut tx, viewer, &mut check, input.customer_id)
            .await?;
    check.finish()?;
    let customer = customer.ok_or(AppError::NotFound)?;
    // Deals belong to the customer's owner (a manager creating one for a pool customer keeps it).
    let owner = customer.owner_id.or(Some(viewer.user_id));
    let mut draft = draft_of(&mut tx, &customer, name, owner, now).await?;
    draft.amount_minor = amount;
    draft.currency = currency;
    draft.expected_close = expected_close;
    let created = insert_new(&mut tx, viewer, &draft, now.timestamp_millis()).await?;
    tx.commit().await?;
    Ok(created)
}

/// A new deal of `customer` in the first stage, at the win probability the admin set for
/// it, as every door that opens one does (the form, REST, a converted lead).
pub(super) async fn draft_of(
    conn: &mut AnyConnection,
    customer: &Customer,
    name: String,
    owner_id: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Opportunity> {
    Ok(Opportunity {
        id: 0,
        customer_id: customer.id,
        customer_name: customer.name.clone(),
        name,
        amount_minor: None,
        currency: "CNY".into(),
        stage: Stage::Initial,
        probability: rules(&mut *conn).await?.probability(Stage::Initial),
        forecast_category: ForecastCategory::Pipeline,
        expected_close: None,
        owner_id,
        owner_name: None,
        stage_entered_at: now,
        pain_points: None,
        decision_maker: None,
        budget_range: None,
        competitors: None,
        lost_reason: None,
        won_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
    })
}

/// Stores a drafted deal with its first stage entry, audited and announced through the
/// outbox, in the caller's transaction.
pub(super) async fn insert_new(
    tx: &mut AnyConnection,
    viewer: &Viewer,
    draft: &Opportunity,
    now_ms: i64,
) -> AppResult<Opportunity> {
    let id = store::insert(&mut *tx, draft, viewer.user_id, now_ms).await?;
    store::record_stage(&mut *tx, id, draft.stage, Some(viewer.user_id), now_ms).await?;
    let created = store::get(&mut *tx, viewer, id, Access::Read).await?;
    let created = audited_new(
        &mut *tx,
        viewer,
        (Entity::Opportunity, Action::Created, id),
        created,
        now_ms,
    )
    .await?;
    Ok(created)
}

pub(super) async fn writable(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Opportunity> {
    match store::get(&mut *conn, viewer, id, Access::Write).await? {
        Some(o) => Ok(o),
        None => match store::get(&mut *conn, viewer, id, Access::Read).await? {
            Some(_) => Err(AppError::Forbidden),
            None => Err(AppError::NotFound),
        },
    }
}

fn merge_text(
    check: &mut Check,
    field: &str,
    new: &Option<String>,
    cur: &Option<String>,
) -> Option<String> {
    match new {
        Some(v) => check.field(field, optional_text(v, 1000)),
        None => cur.clone(),
    }
}

/// Moves a deal to a stage, saving any criteria filled in the same request first. When
/// something is missing the answer is 422 naming exactly each missing field.
pub async fn move_stage(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    m: StageMove,
) -> AppResult<Opportunity> {
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let mut tx = state.db.begin().await?;
    let current = writable(&mut tx, viewer, id).await?;
    check_version(&current, current.version, m.version)?;
    let mut check = Check::new();
    let to = m.stage;
    let mut next = current.clone();
    next.pain_points = merge_text(
        &mut check,
        "pain_points",
        &m.pain_points,
        &current.pain_points,
    );
    next.decision_maker = merge_text(
        &mut check,
        "decision_maker",
        &m.decision_maker,
        &current.decision_maker,
    );
    next.budget_range = merge_text(
        &mut check,
        "budget_range",
        &m.budget_range,
        &current.budget_range,
    );
    next.competitors = merge_text(
        &mut check,
        "competitors",
        &m.competitors,
        &current.competitors,
    );
    next.lost_reason = merge_text(
        &mut check,
        "lost_reason",
        &m.lost_reason,
        &current.lost_reason,
    );
    if m.amount_minor.is_some() {
        next.amount_minor = check_amount(&mut check, m.amount_minor);
    }
    if let Some(d) = &m.expected_close {
        next.expected_close = check_date(&mut check, "expected_close", Some(d));
    }
    check.finish()?;
    let facts = facts_of(
        &next,
        crate::ssr::store::contracts::has_approved_contract(&mut *tx, id).await?,
    );
    let rules = rules(&mut *tx).await?;
    let missing = missing_for(current.stage, to, &facts, &rules);
    if !missing.is_empty() {
        let errors: FieldErrors = missing
            .into_iter()
            .map(|(f, m)| (f.to_string(), format!("needed for this stage: {m}").into()))
            .collect();
        return Err(AppError::Validation(errors));
    }
    let stage_changed = to != current.stage;
    next.stage = to;
    if stage_changed {
        next.probability = rules.probability(to);
        if to == Stage::Won {
            next.won_at = Some(now);
        }
    }
    if !store::update(
        &mut tx,
        &next,
        m.version,
        stage_changed,
        viewer.user_id,
        now_ms,
    )
    .await?
    {
        return Err(stale(store::get(&mut *tx, viewer, id, Access::Read).await?));
    }
    if stage_changed {
        store::record_stage(&mut tx, id, to, Some(viewer.user_id), now_ms).await?;
        if to == Stage::Won {
            refresh_customer_reclaim(&mut tx, current.customer_id).await?;
        }
    }
    let after = store::get(&mut *tx, viewer, id, Access::Read).await?;
    let action = if stage_changed {
        Action::StageChanged
    } else {
        Action::Updated
    };
    let change = Versioned::new(Entity::Opportunity, action, id, &current);
    let after = audited(&mut tx, Some(viewer), change, after, now_ms).await?;
    tx.commit().await?;
    Ok(after)
}

/// Puts an open deal in a forecast category (its owner, their managers, an admin).
pub async fn set_forecast_category(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    m: ForecastMove,
) -> AppResult<Opportunity> {
    let now_ms = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current = writable(&mut tx, viewer, id).await?;
    check_version(&current, current.version, m.version)?;
    if current.stage.is_closed() {
        return Err(AppError::field(
            "forecast_category",
            "a closed deal is no longer forecast",
        ));
    }
    if !store::set_forecast_category(
        &mut tx,
        id,
        m.forecast_category,
        m.version,
        viewer.user_id,
        now_ms,
    )
    .await?
    {
        return Err(stale(store::get(&mut *tx, viewer, id, Access::Read).await?));
    }
    let after = store::get(&mut *tx, viewer, id, Access::Read).await?;
    let change = Versioned::new(Entity::Opportunity, Action::Updated, id, &current);
    let after = audited(&mut tx, Some(viewer), change, after, now_ms).await?;
    tx.commit().await?;
    Ok(after)
}

/// What the stage criteria look at, as the deal stands.
pub(super) fn facts_of(deal: &Opportunity, has_approved_contract: bool) -> DealFacts {
    DealFacts {
        pain_points: deal.pain_points.clone(),
        decision_maker: deal.decision_maker.clone(),
        budget_range: deal.budget_range.clone(),
        amount_minor: deal.amount_minor,
        expected_close: deal.expected_close.clone(),
        competitors: deal.competitors.clone(),
        lost_reason: deal.lost_reason.clone(),
        has_approved_contract,
    }
}

pub(super) async fn refresh_customer_reclaim(
    conn: &mut AnyConnection,
    customer_id: i64,
) -> AppResult<()> {
    let rules = super::pool::rules(&mut *conn).await?;
    crate::ssr::store::pool::refresh_reclaim(conn, Some(customer_id), &rules).await?;
    Ok(())
}

/// Open deals (and those won in the last 30 days) with this month's and quarter's weighted
/// forecast, in the viewer's scope.
pub async fn pipeline(state: &AppState, viewer: &Viewer) -> AppResult<PipelineView> {
    use chrono::Datelike;
    let now = state.clock.now();
    let today = now.date_naive();
    let month_start = today.with_day(1).unwrap_or(today);
    let quarter_month = (today.month0() / 3) * 3 + 1;
    let quarter_start =
        chrono::NaiveDate::from_ymd_opt(today.year(), quarter_month, 1).unwrap_or(month_start);
    let next = |d: chrono::NaiveDate, months: u32| {
        d.checked_add_months(chrono::Months::new(months))
            .unwrap_or(d)
    };
    let month = store::weighted_forecast(
        &state.db.read,
        viewer,
        &iso_date(month_start),
        &iso_date(next(month_start, 1)),
    )
    .await?;
    let quarter = store::weighted_forecast(
        &state.db.read,
        viewer,
        &iso_date(quarter_start),
        &iso_date(next(quarter_start, 3)),
    )
    .await?;
    let deals = store::board(
        &state.db.read,
        viewer,
        now.timestamp_millis() - 30 * 86_400_000,
        300,
    )
    .await?;
    let (m0, m1) = (iso_date(month_start), iso_date(next(month_start, 1)));
    let (q0, q1) = (iso_date(quarter_start), iso_date(next(quarter_start, 3)));
    let by_owner = store::forecast_by_owner(&state.db.read, viewer, (&m0, &m1), (&q0, &q1))
        .await?
        .into_iter()
        .map(|(owner_id, owner_name, m, q, n)| OwnerForecast {
            owner_id,
            owner_name,
            month_weighted_minor: m,
            quarter_weighted_minor: q,
            open_deals: n,
        })
        .collect();
    Ok(PipelineView {
        deals,
        month_weighted_minor: month,
        quarter_weighted_minor: quarter,
        by_owner,
    })
}
