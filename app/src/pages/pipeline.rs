//! The pipeline: a kanban board with drag to move on desktop, a stage-grouped list with
//! "move to next stage" on phones (the same markup, laid out by CSS), and the deal page
//! where a stage's criteria are filled in.
use crate::api::{
    get_deal, get_pipeline, DecideContract, MoveDeal, RecordPayment, RequestContract, SetForecast,
};
use crate::components::contracts::ContractButtons;
use crate::components::receivables::ContractReceivables;
use crate::components::PageTitle;
use crate::components::{choice_options, ErrorNote, Loading};
use crate::domain::forecast::ForecastCategory;
use crate::domain::pipeline::Stage;
use crate::error::AppError;
use crate::format::{money, short_time};
use crate::i18n::Lang;
use crate::model::{Approval, Opportunity};
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[derive(Clone, Copy)]
struct LastMove(RwSignal<Option<(i64, String)>>);

const BOARD: [Stage; 5] = [
    Stage::Initial,
    Stage::Needs,
    Stage::Proposal,
    Stage::Negotiation,
    Stage::Won,
];

fn move_label(lang: Lang, to: Stage) -> String {
    match lang {
        Lang::En => format!("Move to {}", to.label(lang)),
        Lang::ZhCn => format!("推进到{}", to.label(lang)),
    }
}

#[component]
pub fn PipelinePage() -> impl IntoView {
    let lang = use_lang();
    let mover = ServerAction::<MoveDeal>::new();
    provide_context(mover);
    let board = crate::page_data::page_resource(move || mover.version().get(), |_| get_pipeline());
    let dragged = RwSignal::new(None::<(i64, i64)>);
    provide_context(dragged);
    // The deal and stage of the last move, to link to the form when criteria are missing.
    let last_move = LastMove(RwSignal::new(None));
    provide_context(last_move);
    let failed = move || mover.value().get().and_then(|r| r.err());
    view! {
        <PageTitle text=lang.t("Pipeline · Tandem", "商机 · Tandem")/>
        <h1>{lang.t("Pipeline", "商机")}</h1>
        {move || failed().map(|e| {
            let deal = matches!(e, AppError::Validation(_)).then(|| last_move.0.get()).flatten();
            view! {
                <ErrorNote error=e/>
                {deal.map(|(id, stage)| view! {
                    <p><a class="button" href=format!("/deals/{id}?to={stage}")>{lang.t("Fill in what is missing", "补充缺少的信息")}</a></p>
                })}
            }
        })}
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(v) => {
                        let columns = BOARD.into_iter().map(|stage| {
                            let deals: Vec<Opportunity> = v.deals.iter().filter(|d| d.stage == stage).cloned().collect();
                            let total: i64 = deals.iter().filter_map(|d| d.amount_minor).sum();
                            view! { <Column stage deals total/> }
                        }).collect::<Vec<_>>();
                        view! {
                            <div class="tiles">
                                <div class="tile"><span class="label">{lang.t("Weighted forecast, this month", "本月加权预测")}</span><span class="value">{money(v.month_weighted_minor)}</span></div>
                                <div class="tile"><span class="label">{lang.t("Weighted forecast, this quarter", "本季度加权预测")}</span><span class="value">{money(v.quarter_weighted_minor)}</span></div>
                            </div>
                            {(v.by_owner.len() > 1).then(|| view! {
                                <table class="grid forecast" data-testid="forecast-by-rep">
                                    <caption>{lang.t("Forecast by rep", "按销售的加权预测")}</caption>
                                    <thead><tr>
                                        <th scope="col">{lang.t("Rep", "销售")}</th>
                                        <th scope="col" class="num">{lang.t("Open deals", "进行中商机")}</th>
                                        <th scope="col" class="num">{lang.t("This month", "本月")}</th>
                                        <th scope="col" class="num">{lang.t("This quarter", "本季度")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {v.by_owner.iter().map(|r| view! {
                                            <tr>
                                                <th scope="row">{r.owner_name.clone()}</th>
                                                <td class="num">{r.open_deals}</td>
                                                <td class="num">{money(r.month_weighted_minor)}</td>
                                                <td class="num">{money(r.quarter_weighted_minor)}</td>
                                            </tr>
                                        }).collect::<Vec<_>>()}
                                    </tbody>
                                </table>
                            })}
                            <div class="board">{columns}</div>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Column(stage: Stage, deals: Vec<Opportunity>, total: i64) -> impl IntoView {
    let lang = use_lang();
    let mover = use_context::<ServerAction<MoveDeal>>();
    let dragged = use_context::<RwSignal<Option<(i64, i64)>>>();
    let last_move = use_context::<LastMove>();
    let count = deals.len();
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let (Some(mover), Some(dragged)) = (mover, dragged) {
            if let Some((id, version)) = dragged.get_untracked() {
                dragged.set(None);
                if let Some(l) = last_move {
                    l.0.set(Some((id, stage.as_str().to_string())));
                }
                mover.dispatch(MoveDeal {
                    id,
                    version,
                    stage: stage.as_str().to_string(),
                    pain_points: None,
                    decision_maker: None,
                    budget_range: None,
                    amount_yuan: None,
                    expected_close: None,
                    competitors: None,
                    lost_reason: None,
                });
            }
        }
    };
    view! {
        <section class="column" data-stage=stage.as_str() aria-label=stage.label(lang)
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=on_drop>
            <h2>{stage.label(lang)}" "<span class="count">{count}</span></h2>
            <p class="column-total">{money(total)}</p>
            <ul class="cards">
                {deals.into_iter().map(|d| view! { <DealCard d/> }).collect::<Vec<_>>()}
            </ul>
        </section>
    }
}

#[component]
fn DealCard(d: Opportunity) -> impl IntoView {
    let lang = use_lang();
    let mover = use_context::<ServerAction<MoveDeal>>();
    let dragged = use_context::<RwSignal<Option<(i64, i64)>>>();
    let last_move = use_context::<LastMove>();
    let (id, version) = (d.id, d.version);
    let next = d.stage.next().filter(|s| *s != Stage::Won);
    view! {
        <li class="card deal" draggable=(!d.stage.is_closed()).then_some("true") data-deal=d.id
            on:dragstart=move |_| { if let Some(s) = dragged { s.set(Some((id, version))); } }>
            <a href=format!("/deals/{}", d.id) class="deal-name">{d.name.clone()}</a>
            <span class="meta">{d.customer_name.clone()}</span>
            <span class="meta">
                {d.amount_minor.map(money).unwrap_or_else(|| "—".into())}
                {d.owner_name.clone().map(|o| format!(" · {o}"))}
            </span>
            {next.zip(mover).map(|(to, mover)| view! {
                <ActionForm action=mover attr:class="move"
                    on:submit=move |_| { if let Some(l) = last_move { l.0.set(Some((id, to.as_str().to_string()))); } }>
                    <input type="hidden" name="id" value=d.id/>
                    <input type="hidden" name="version" value=d.version/>
                    <input type="hidden" name="stage" value=to.as_str()/>
                    <button type="submit">{move_label(lang, to)}" →"</button>
                </ActionForm>
            })}
        </li>
    }
}

#[component]
pub fn DealPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let mover = ServerAction::<MoveDeal>::new();
    let request = ServerAction::<RequestContract>::new();
    let decide = ServerAction::<DecideContract>::new();
    let forecast = ServerAction::<SetForecast>::new();
    let payment = ServerAction::<RecordPayment>::new();
    provide_context(payment);
    provide_context(mover);
    provide_context(request);
    provide_context(decide);
    provide_context(forecast);
    let detail = crate::page_data::page_resource(
        move || {
            (
                id(),
                mover.version().get(),
                request.version().get(),
                decide.version().get() + forecast.version().get() + payment.version().get(),
            )
        },
        |(id, _, _, _)| async move {
            match id {
                Some(id) => get_deal(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let error = move || {
        [
            mover.value().get().and_then(|r| r.err()),
            request.value().get().and_then(|r| r.err()),
            decide.value().get().and_then(|r| r.err()),
            forecast.value().get().and_then(|r| r.err()),
            payment.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        <PageTitle text=lang.t("Deal · Tandem", "商机 · Tandem")/>
        {move || error().map(|e| view! { <ErrorNote error=e/> })}
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <DealView d/> }.into_any(),
                    Err(e) => {
                        #[cfg(feature = "ssr")]
                        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                            if e == AppError::NotFound {
                                resp.set_status(http::StatusCode::NOT_FOUND);
                            }
                        }
                        view! { <h1>{lang.t("Deal not found", "商机不存在")}</h1><ErrorNote error=e/> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn DealView(d: crate::api::DealDetail) -> impl IntoView {
    let lang = use_lang();
    let deal = d.deal;
    let mover = use_context::<ServerAction<MoveDeal>>();
    let request = use_context::<ServerAction<RequestContract>>();
    let decide = use_context::<ServerAction<DecideContract>>();
    let next = deal.stage.next().filter(|s| *s != Stage::Won);
    let field = |name: &'static str, label: &'static str, value: Option<String>| {
        view! {
            <label>{label}<input name=name value=value.unwrap_or_default()/></label>
        }
    };
    let form_deal = deal.clone();
    let criteria = next.zip(mover).map(|(to, mover)| {
        let needs_survey = matches!(to, Stage::Proposal | Stage::Negotiation);
        let needs_terms = to == Stage::Negotiation;
        view! {
            <section class="card" aria-labelledby="next-stage">
                <h2 id="next-stage">{move_label(lang, to)}</h2>
                <ActionForm action=mover attr:class="grid-form">
                    <input type="hidden" name="id" value=form_deal.id/>
                    <input type="hidden" name="version" value=form_deal.version/>
                    <input type="hidden" name="stage" value=to.as_str()/>
                    {needs_survey.then(|| view! {
                        {field("pain_points", lang.t("Pain points", "痛点"), form_deal.pain_points.clone())}
                        {field("decision_maker", lang.t("Decision maker", "决策人"), form_deal.decision_maker.clone())}
                        {field("budget_range", lang.t("Budget range", "预算范围"), form_deal.budget_range.clone())}
                    })}
                    {needs_terms.then(|| view! {
                        <label>{lang.t("Amount (yuan)", "金额(元)")}<input name="amount_yuan" inputmode="decimal"
                            value=form_deal.amount_minor.map(|a| (a / 100).to_string()).unwrap_or_default()/></label>
                        <label>{lang.t("Expected close", "预计成交日期")}<input name="expected_close" type="date" value=form_deal.expected_close.clone().unwrap_or_default()/></label>
                        {field("competitors", lang.t("Competitors", "竞争对手"), form_deal.competitors.clone())}
                    })}
                    <button type="submit" class="primary">{move_label(lang, to)}</button>
                </ActionForm>
            </section>
        }
    });
    let has_pending = d
        .contracts
        .iter()
        .any(|k| k.approval_status == Approval::Pending);
    let req_deal = deal.clone();
    let contract_form = (req_deal.stage == Stage::Negotiation && !has_pending).then_some(()).and(request).map(|request| view! {
        <section class="card" aria-labelledby="contract">
            <h2 id="contract">{lang.t("Request a contract", "申请合同")}</h2>
            <ActionForm action=request attr:class="grid-form">
                <input type="hidden" name="opportunity_id" value=req_deal.id/>
                <label>{lang.t("Amount (yuan)", "金额(元)")}<input name="amount_yuan" inputmode="decimal" value=req_deal.amount_minor.map(|a| (a / 100).to_string()).unwrap_or_default()/></label>
                <label>{lang.t("Starts", "开始日期")}<input name="start_date" type="date" required/></label>
                <label>{lang.t("Ends", "结束日期")}<input name="end_date" type="date" required/></label>
                <button type="submit" class="primary">{lang.t("Send for approval", "提交审批")}</button>
            </ActionForm>
        </section>
    });
    let forecast_form = (!deal.stage.is_closed())
        .then(use_context::<ServerAction<SetForecast>>)
        .flatten()
        .map(|action| {
            view! {
                <ActionForm action=action attr:class="filters forecast">
                    <input type="hidden" name="id" value=deal.id/>
                    <input type="hidden" name="version" value=deal.version/>
                    <label for="forecast-category">{lang.t("Forecast category", "预测类别")}</label>
                    <select name="forecast_category" id="forecast-category">
                        {choice_options(lang, ForecastCategory::label, Some(deal.forecast_category))}
                    </select>
                    <button type="submit">{lang.t("Save", "保存")}</button>
                </ActionForm>
            }
        });
    let can_decide = d.can_decide;
    let receivables = d.receivables;
    let contracts = d.contracts.into_iter().map(|k| {
        let collected = receivables
            .iter()
            .find(|r| r.contract_id == k.id)
            .cloned()
            .map(|r| view! { <ContractReceivables r=r/> });
        let status = match k.approval_status {
            Approval::Pending => lang.t("Waiting for approval", "待审批"),
            Approval::Approved => lang.t("Approved", "已批准"),
            Approval::Rejected => lang.t("Rejected", "已驳回"),
        };
        let buttons = (can_decide && k.approval_status == Approval::Pending).then_some(()).and(decide).map(|decide| view! {
            <ContractButtons id=k.id decide/>
        });
        view! {
            <li class="row">
                <div class="main">
                    <span class="title">{money(k.amount_minor)}" · "{k.start_date.clone()}" → "{k.end_date.clone()}</span>
                    <span class="meta" data-testid="contract-status">{status}</span>
                    {collected}
                </div>
                {buttons}
            </li>
        }
    }).collect::<Vec<_>>();
    view! {
        <header class="record-head">
            <h1>{deal.name.clone()}</h1>
            <dl class="facts">
                <div><dt>{lang.t("Customer", "客户")}</dt><dd><a href=format!("/customers/{}", deal.customer_id)>{deal.customer_name.clone()}</a></dd></div>
                <div><dt>{lang.t("Stage", "阶段")}</dt><dd data-testid="deal-stage">{deal.stage.label(lang)}</dd></div>
                <div><dt>{lang.t("Probability", "赢率")}</dt><dd>{format!("{}%", deal.probability)}</dd></div>
                <div><dt>{lang.t("Forecast", "预测")}</dt><dd data-testid="deal-forecast">{deal.forecast_category.label(lang)}</dd></div>
                <div><dt>{lang.t("Amount", "金额")}</dt><dd>{deal.amount_minor.map(money).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{lang.t("Expected close", "预计成交")}</dt><dd>{deal.expected_close.clone().unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{lang.t("In this stage since", "进入本阶段")}</dt><dd>{short_time(deal.stage_entered_at)}</dd></div>
            </dl>
        </header>
        {forecast_form}
        {criteria}
        {contract_form}
        <section aria-labelledby="contracts">
            <h2 id="contracts">{lang.t("Contracts", "合同")}</h2>
            <ul class="rows">{contracts}</ul>
        </section>
    }
}
