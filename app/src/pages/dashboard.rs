//! The manager's dashboard: the team's book and pipeline, and who is behind.
use crate::api::{get_dashboard, pending_contracts, DecideContract};
use crate::components::contracts::ContractButtons;
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::format::money;
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = use_lang();
    let decide = ServerAction::<DecideContract>::new();
    let data = Resource::new(move || decide.version().get(), |_| get_dashboard());
    let pending = Resource::new(move || decide.version().get(), |_| pending_contracts());
    view! {
        <PageTitle text=lang.t("Dashboard · Tandem", "仪表盘 · Tandem")/>
        <h1>{lang.t("Team dashboard", "团队仪表盘")}</h1>
        {move || decide.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let rows = pending.await.unwrap_or_default();
                (!rows.is_empty()).then(|| view! {
                    <section aria-labelledby="approvals" class="card">
                        <h2 id="approvals">{lang.t("Contracts waiting for your approval", "待审批合同")}" "<span class="count">{rows.len()}</span></h2>
                        <ul class="rows">
                            {rows.into_iter().map(|k| view! {
                                <li class="row" data-contract=k.id>
                                    <a class="main" href=k.opportunity_id.map(|o| format!("/deals/{o}")).unwrap_or_else(|| format!("/customers/{}", k.customer_id))>
                                        <span class="title">{k.customer_name.clone()}" · "{money(k.amount_minor)}</span>
                                        <span class="meta">{k.owner_name.clone().unwrap_or_default()}" · "{k.start_date.clone()}" → "{k.end_date.clone()}</span>
                                    </a>
                                    <ContractButtons id=k.id decide/>
                                </li>
                            }).collect::<Vec<_>>()}
                        </ul>
                    </section>
                })
            })}
        </Transition>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => {
                        let stages = v.pipeline.into_iter().map(|s| view! {
                            <tr>
                                <th scope="row">{s.stage.label(lang)}</th>
                                <td class="num">{s.count}</td>
                                <td class="num">{money(s.amount_minor)}</td>
                                <td class="num">{money(s.weighted_minor)}</td>
                            </tr>
                        }).collect::<Vec<_>>();
                        let reps = v.reps.into_iter().map(|r| view! {
                            <tr class:behind={r.overdue_follow_ups >= 5}>
                                <th scope="row"><a href=format!("/customers?owner_id={}", r.user_id)>{r.name.clone()}</a></th>
                                <td class="num">{r.customers}</td>
                                <td class="num">{r.activities_7d}</td>
                                <td class="num">{r.overdue_follow_ups}</td>
                                <td class="num">{money(r.open_pipeline_minor)}</td>
                            </tr>
                        }).collect::<Vec<_>>();
                        view! {
                            {v.team_name.map(|t| view! { <p class="summary">{t}</p> })}
                            <div class="tiles">
                                <div class="tile"><span class="label">{lang.t("Customers", "客户数")}</span><span class="value" data-kpi="customers">{v.customers}</span></div>
                                <div class="tile"><span class="label">{lang.t("In the public pool", "公海客户")}</span><span class="value">{v.pool_customers}</span></div>
                                <div class="tile"><span class="label">{lang.t("Weighted forecast", "加权预测")}</span><span class="value">{money(v.weighted_forecast_minor)}</span></div>
                            </div>
                            <section aria-labelledby="pipe">
                                <h2 id="pipe">{lang.t("Open pipeline by stage", "各阶段商机")}</h2>
                                <table class="grid">
                                    <thead><tr>
                                        <th scope="col">{lang.t("Stage", "阶段")}</th>
                                        <th scope="col" class="num">{lang.t("Deals", "商机数")}</th>
                                        <th scope="col" class="num">{lang.t("Amount", "金额")}</th>
                                        <th scope="col" class="num">{lang.t("Weighted", "加权金额")}</th>
                                    </tr></thead>
                                    <tbody>{stages}</tbody>
                                </table>
                            </section>
                            <section aria-labelledby="reps">
                                <h2 id="reps">{lang.t("Reps", "销售代表")}</h2>
                                <table class="grid">
                                    <thead><tr>
                                        <th scope="col">{lang.t("Rep", "姓名")}</th>
                                        <th scope="col" class="num">{lang.t("Customers", "客户")}</th>
                                        <th scope="col" class="num">{lang.t("Activities (7 d)", "近7天跟进")}</th>
                                        <th scope="col" class="num">{lang.t("Overdue follow-ups", "逾期跟进")}</th>
                                        <th scope="col" class="num">{lang.t("Open pipeline", "在途商机")}</th>
                                    </tr></thead>
                                    <tbody>{reps}</tbody>
                                </table>
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
