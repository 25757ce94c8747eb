//! The pipeline: deals, their stages, contracts and approvals.
use super::prelude::*;

#[server(prefix = "/sfn", endpoint = "pipeline")]
pub async fn get_pipeline() -> Result<PipelineView, AppError> {
    services::deals::pipeline(&app_state()?, &current_viewer()?).await
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealDetail {
    pub deal: Opportunity,
    pub contracts: Vec<Contract>,
    /// The receivables of each approved contract, by contract.
    pub receivables: Vec<Receivables>,
    pub can_decide: bool,
}

#[server(prefix = "/sfn", endpoint = "deal")]
pub async fn get_deal(id: i64) -> Result<DealDetail, AppError> {
    let state = app_state()?;
    let viewer = current_viewer()?;
    let deal = services::deals::get(&state, &viewer, id).await?;
    let contracts = services::contracts::contracts(
        &state,
        &viewer,
        services::contracts::ContractQuery {
            opportunity_id: Some(id),
            limit: Some(200),
            ..Default::default()
        },
    )
    .await?
    .items;
    let mut receivables = Vec::new();
    for k in contracts
        .iter()
        .filter(|k| k.approval_status == Approval::Approved)
    {
        receivables.push(services::receivables::receivables(&state, &viewer, k.id).await?);
    }
    Ok(DealDetail {
        deal,
        contracts,
        receivables,
        can_decide: crate::domain::scope::can_decide_contracts(viewer.role),
    })
}

#[server(prefix = "/sfn", endpoint = "move_deal")]
pub async fn move_deal(
    id: i64,
    version: i64,
    stage: String,
    pain_points: Option<String>,
    decision_maker: Option<String>,
    budget_range: Option<String>,
    amount_yuan: Option<String>,
    expected_close: Option<String>,
    competitors: Option<String>,
    lost_reason: Option<String>,
) -> Result<Opportunity, AppError> {
    let amount_minor = match amount_yuan.as_deref() {
        Some(a) => yuan_to_minor("amount_minor", a)?,
        None => None,
    };
    let m = StageMove {
        stage: form_choice("stage", &stage)?,
        version,
        pain_points,
        decision_maker,
        budget_range,
        amount_minor,
        expected_close,
        competitors,
        lost_reason,
    };
    services::deals::move_stage(&app_state()?, &current_viewer()?, id, m).await
}

/// The owner puts a deal in a forecast category.
#[server(prefix = "/sfn", endpoint = "set_forecast")]
pub async fn set_forecast(
    id: i64,
    version: i64,
    forecast_category: String,
) -> Result<Opportunity, AppError> {
    let m = ForecastMove {
        forecast_category: form_choice("forecast_category", &forecast_category)?,
        version,
    };
    services::deals::set_forecast_category(&app_state()?, &current_viewer()?, id, m).await
}

/// One tap from a contract coming to its end: the renewal deal (made, or the one made
/// before).
#[server(prefix = "/sfn", endpoint = "renew_contract")]
pub async fn renew_contract(id: i64) -> Result<Opportunity, AppError> {
    let lang = crate::ssr::context::request_lang();
    let (deal, _) = services::contracts::renew(&app_state()?, &current_viewer()?, id, lang).await?;
    Ok(deal)
}

/// A payment received against an approved contract, as the deal page records it.
#[server(prefix = "/sfn", endpoint = "record_payment")]
pub async fn record_payment(
    contract_id: i64,
    amount_yuan: String,
    received_on: String,
    reference: Option<String>,
) -> Result<Receivables, AppError> {
    let input = NewReceipt {
        amount_minor: yuan_to_minor("amount_minor", &amount_yuan)?
            .ok_or_else(|| AppError::field("amount_minor", "this field is required"))?,
        received_on,
        reference,
    };
    services::receivables::record_receipt(&app_state()?, &current_viewer()?, contract_id, input)
        .await
}

#[server(prefix = "/sfn", endpoint = "request_contract")]
pub async fn request_contract(
    opportunity_id: i64,
    amount_yuan: String,
    start_date: String,
    end_date: String,
) -> Result<Contract, AppError> {
    let input = NewContract {
        opportunity_id,
        amount_minor: yuan_to_minor("amount_minor", &amount_yuan)?,
        start_date,
        end_date,
    };
    services::contracts::request_contract(&app_state()?, &current_viewer()?, input).await
}

#[server(prefix = "/sfn", endpoint = "decide_contract")]
pub async fn decide_contract(id: i64, approve: bool) -> Result<Contract, AppError> {
    services::contracts::decide_contract(&app_state()?, &current_viewer()?, id, approve).await
}

/// Contracts waiting for the viewer's approval: how many, and a page of them, newest
/// first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ContractsWaiting {
    /// Whether the viewer approves contracts at all (managers and admins).
    pub can_decide: bool,
    /// How many wait (no more than the count asked for).
    pub waiting: i64,
    /// More wait than were counted.
    pub more_waiting: bool,
    pub contracts: Vec<Contract>,
    /// The next page's cursor; None on the last.
    pub next_cursor: Option<String>,
}

/// The contracts waiting for approval: `limit` of them (else a list's default) after
/// `cursor` (the dashboard shows the newest few, the approvals page all of them a page at
/// a time), with their count, up to `count_up_to` when given (the dashboard's "99+").
/// Nothing for those who do not approve contracts.
#[server(prefix = "/sfn", endpoint = "pending_contracts")]
pub async fn pending_contracts(
    limit: Option<i64>,
    cursor: Option<String>,
    count_up_to: Option<i64>,
) -> Result<ContractsWaiting, AppError> {
    let viewer = current_viewer()?;
    if !crate::domain::scope::can_decide_contracts(viewer.role) {
        return Ok(ContractsWaiting::default());
    }
    let state = app_state()?;
    let q = services::contracts::ContractQuery {
        status: Some("pending".into()),
        limit,
        cursor,
        ..Default::default()
    };
    let page = services::contracts::contracts(&state, &viewer, q).await?;
    let (waiting, more_waiting) =
        services::contracts::pending_count(&state, &viewer, count_up_to).await?;
    Ok(ContractsWaiting {
        can_decide: true,
        waiting,
        more_waiting,
        contracts: page.items,
        next_cursor: page.next_cursor,
    })
}

#[server(prefix = "/sfn", endpoint = "create_deal")]
pub async fn create_deal(
    customer_id: i64,
    name: String,
    amount_yuan: String,
) -> Result<Opportunity, AppError> {
    let input = NewOpportunity {
        customer_id,
        name,
        amount_minor: yuan_to_minor("amount_minor", &amount_yuan)?,
        ..Default::default()
    };
    services::deals::create(&app_state()?, &current_viewer()?, input).await
}
