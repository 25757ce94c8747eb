//! Contracts: a rep asks for one on an open deal; a manager of the deal owner's team (never
//! the owner) or an admin approves or rejects it, and approval wins the deal in the same
//! transaction when the deal meets every stage's criteria.
use super::deals::{check_amount, check_date, facts_of, refresh_customer_reclaim, rules, writable};
use super::write::{audited_new, stale};
use super::{snapshot, Check};
use crate::domain::events::{Action, Entity};
use crate::domain::pipeline::{missing_for, Stage, WON_PROBABILITY};
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::contracts as store;
use crate::ssr::store::deals;
use crate::ssr::store::scope::Access;

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContractQuery {
    /// pending | approved | rejected
    pub status: Option<String>,
    pub opportunity_id: Option<i64>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The contracts the viewer sees, newest first, a page at a time.
pub async fn contracts(
    state: &AppState,
    viewer: &Viewer,
    q: ContractQuery,
) -> AppResult<Page<Contract>> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            Approval::parse(s)
                .ok_or_else(|| AppError::field("status", "choose pending, approved or rejected"))?,
        ),
    };
    let limit = super::page_limit(q.limit)?;
    let before = super::page_cursor(q.cursor.as_deref())?;
    let rows = store::contracts(
        &state.db.read,
        viewer,
        status,
        q.opportunity_id,
        before,
        limit + 1,
    )
    .await?;
    Ok(super::into_page(rows, limit, |k| k.id))
}

/// How many contracts wait for approval among those the viewer sees, counted up to
/// `up_to` when given (then true when there are more).
pub async fn pending_count(
    state: &AppState,
    viewer: &Viewer,
    up_to: Option<i64>,
) -> AppResult<(i64, bool)> {
    if up_to.is_some_and(|n| n < 1) {
        return Err(AppError::field("count_up_to", "must be at least 1"));
    }
    let past = up_to.map(|n| n + 1);
    let n = store::count_contracts(&state.db.read, viewer, Approval::Pending, past).await?;
    Ok(match up_to {
        Some(cap) if n > cap => (cap, true),
        _ => (n, false),
    })
}

pub async fn contract(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Contract> {
    store::contract(&state.db.read, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::NotFound)
}

/// A rep asks for a contract on an open deal; it waits for a manager's approval.
pub async fn request_contract(
    state: &AppState,
    viewer: &Viewer,
    input: NewContract,
) -> AppResult<Contract> {
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let mut check = Check::new();
    let start = check_date(&mut check, "start_date", Some(&input.start_date));
    let end = check_date(&mut check, "end_date", Some(&input.end_date));
    if input.start_date.trim().is_empty() {
        check.fail("start_date", "a date like 2026-12-31");
    }
    if input.end_date.trim().is_empty() {
        check.fail("end_date", "a date like 2026-12-31");
    }
    if let (Some(s), Some(e)) = (&start, &end) {
        if e <= s {
            check.fail("end_date", "must be after the start date");
        }
    }
    let amount = check_amount(&mut check, input.amount_minor);
    let mut tx = state.db.begin().await?;
    let deal = match writable(&mut tx, viewer, input.opportunity_id).await {
        Ok(d) => Some(d),
        Err(AppError::NotFound) => {
            check.fail("opportunity_id", "no such deal");
            None
        }
        Err(e) => return Err(e),
    };
    if let Some(d) = &deal {
        if d.stage.is_closed() {
            check.fail("opportunity_id", "this deal is closed");
        }
        if amount.or(d.amount_minor).is_none() {
            check.fail(
                "amount_minor",
                "give the contract's amount (the deal has none)",
            );
        }
    }
    check.finish()?;
    let deal = deal.ok_or(AppError::NotFound)?;
    let draft = Contract {
        id: 0,
        customer_id: deal.customer_id,
        customer_name: deal.customer_name.clone(),
        opportunity_id: Some(deal.id),
        amount_minor: amount.or(deal.amount_minor).unwrap_or_default(),
        currency: deal.currency.clone(),
        start_date: start.unwrap_or_default(),
        end_date: end.unwrap_or_default(),
        approval_status: Approval::Pending,
        approved_by: None,
        approved_at: None,
        owner_id: deal.owner_id,
        owner_name: None,
        created_at: now,
        version: 1,
    };
    let id = store::insert_contract(&mut tx, &draft, viewer.user_id, now_ms).await?;
    let created = store::contract(&mut *tx, viewer, id, Access::Read).await?;
    let created = audited_new(
        &mut tx,
        viewer,
        (Entity::Contract, Action::Requested, id),
        created,
        now_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

/// A manager (of the deal owner's team) or an admin decides a pending contract. Approval
/// wins its deal in the same transaction.
pub async fn decide_contract(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    approve: bool,
) -> AppResult<Contract> {
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let mut tx = state.db.begin().await?;
    let current = match store::contract(&mut *tx, viewer, id, Access::Write).await? {
        Some(k) => k,
        None => {
            return match store::contract(&mut *tx, viewer, id, Access::Read).await? {
                Some(_) => Err(AppError::Forbidden),
                None => Err(AppError::NotFound),
            }
        }
    };
    if !crate::domain::scope::can_decide_contracts(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let deal = match current.opportunity_id {
        Some(opp_id) => deals::get(&mut *tx, viewer, opp_id, Access::Read).await?,
        None => None,
    };
    // The control exists so nobody "signs" a deal alone: the owner's own contract goes to
    // the manager above them, or an admin.
    if current.owner_id == Some(viewer.user_id)
        || deal
            .as_ref()
            .is_some_and(|d| d.owner_id == Some(viewer.user_id))
    {
        return Err(AppError::Forbidden);
    }
    if current.approval_status != Approval::Pending {
        return Err(stale(Some(&current)));
    }
    let to = if approve {
        Approval::Approved
    } else {
        Approval::Rejected
    };
    if !store::decide_contract(&mut tx, id, current.version, to, viewer.user_id, now_ms).await? {
        return Err(stale(
            store::contract(&mut *tx, viewer, id, Access::Read).await?,
        ));
    }
    crate::ssr::store::kpi_rollups::touch_contracts(&mut tx, &[id], &[]).await?;
    if approve {
        if let Some(mut deal) = deal {
            let opp_id = deal.id;
            if deal.amount_minor.is_none() {
                deal.amount_minor = Some(current.amount_minor);
            }
            // Approval wins the deal only where the stage criteria already allow "won"
            // (normally from negotiation); otherwise the deal stays where it is and its
            // owner moves it on once the proposal and negotiation facts are in.
            let rules = rules(&mut *tx).await?;
            let ready =
                missing_for(deal.stage, Stage::Won, &facts_of(&deal, true), &rules).is_empty();
            if ready {
                let version = deal.version;
                deal.stage = Stage::Won;
                deal.probability = WON_PROBABILITY;
                deal.won_at = Some(now);
                deals::update(&mut tx, &deal, version, true, viewer.user_id, now_ms).await?;
                deals::record_stage(&mut tx, opp_id, Stage::Won, Some(viewer.user_id), now_ms)
                    .await?;
                refresh_customer_reclaim(&mut tx, deal.customer_id).await?;
                audit::record(
                    &mut tx,
                    Some(viewer),
                    Change {
                        action: Action::StageChanged,
                        entity_type: Entity::Opportunity,
                        entity_id: opp_id,
                        before: None,
                        after: Some(serde_json::json!({"stage": "won", "by_contract": id})),
                    },
                    now_ms,
                )
                .await?;
            }
        }
    }
    let after = store::contract(&mut *tx, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::Internal)?;
    audit::record(
        &mut tx,
        Some(viewer),
        Change {
            action: match to {
                Approval::Approved => Action::Approved,
                Approval::Rejected => Action::Rejected,
                Approval::Pending => Action::Requested,
            },
            entity_type: Entity::Contract,
            entity_id: id,
            before: snapshot(&current),
            after: snapshot(&after),
        },
        now_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// One tap from the renewal alert: a deal to renew an approved contract — the customer's,
/// at the contract's amount, expected to close the day the contract ends. A second tap
/// finds the deal the first made (true: made now).
pub async fn renew(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    lang: crate::i18n::Lang,
) -> AppResult<(Opportunity, bool)> {
    let contract = store::contract(&state.db.read, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::NotFound)?;
    if contract.approval_status != Approval::Approved {
        return Err(AppError::field(
            "id",
            "only an approved contract is renewed",
        ));
    }
    if let Some(existing) =
        deals::open_closing_on(&state.db.read, contract.customer_id, &contract.end_date).await?
    {
        return Ok((super::deals::get(state, viewer, existing).await?, false));
    }
    let name = match lang {
        crate::i18n::Lang::En => format!(
            "Renewal: {} (ends {})",
            contract.customer_name, contract.end_date
        ),
        crate::i18n::Lang::ZhCn => format!(
            "续约：{}（{} 到期）",
            contract.customer_name, contract.end_date
        ),
    };
    let deal = super::deals::create(
        state,
        viewer,
        NewOpportunity {
            customer_id: contract.customer_id,
            name,
            amount_minor: Some(contract.amount_minor),
            currency: Some(contract.currency.clone()),
            expected_close: Some(contract.end_date.clone()),
        },
    )
    .await?;
    Ok((deal, true))
}

/// The customer's approved contracts ending from today to the renewal alert's horizon
/// (`renewal_days`), soonest first.
pub async fn ending_soon(
    state: &AppState,
    viewer: &Viewer,
    customer_id: i64,
) -> AppResult<Vec<Contract>> {
    let mut conn = state.db.read.acquire().await?;
    let days = super::alerts::rules(&mut *conn).await?.renewal_days;
    let now = state.clock.now_ms();
    let from = crate::ssr::clock::local_day(now);
    let to = crate::ssr::clock::local_day(now + days * 86_400_000);
    Ok(store::ending_between(&mut *conn, viewer, customer_id, &from, &to).await?)
}
