//! The manager's dashboard: the KPIs for a period and a team or person, compared with
//! the period before, each tile and chart bar opening the records behind it; then the
//! contracts waiting for approval, the team's book and who is behind.
use crate::api::{get_dashboard, get_kpi_dashboard, pending_contracts, DecideContract};
use crate::components::charts::KpiBarChart;
use crate::components::contracts::PendingContractRows;
use crate::components::live::Live;
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::format::{kpi_change, kpi_value, money};
use crate::i18n::Lang;
use crate::model::{
    kpi_drill_query, kpi_page_link, Kpi, KpiChart, KpiDashboard, KpiForecast, KpiReport, WsMessage,
};
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <PageTitle text=lang.t("Dashboard · Tandem", "仪表盘 · Tandem")/>
        <h1>{lang.t("Team dashboard", "团队仪表盘")}</h1>
        <KpiSection/>
        <TeamBook/>
    }
}

/// The KPIs: the period and scope chosen in the address, the tiles, the charts.
#[component]
fn KpiSection() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        query.with(|q| {
            (
                q.get("period"),
                q.get("from"),
                q.get("to"),
                q.get("team_id"),
                q.get("rep_id"),
            )
        })
    };
    let data = crate::page_data::page_resource(asked, |(period, from, to, team, rep)| {
        get_kpi_dashboard(period, from, to, team, rep)
    });
    // While the page is open its tiles are kept live over the alert socket.
    if let Some(live) = use_context::<Live>() {
        Effect::new(move |_| {
            let (period, from, to, team_id, rep_id) = asked();
            live.kpi.set(None);
            live.kpi_watch.set(Some(WsMessage::WatchKpis {
                period,
                from,
                to,
                team_id,
                rep_id,
            }));
        });
        on_cleanup(move || {
            live.kpi_watch.set(None);
            live.kpi.set(None);
        });
    }
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <KpiBoard d=d/> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn KpiBoard(d: KpiDashboard) -> impl IntoView {
    let lang = use_lang();
    let r = d.report.clone();
    let query = kpi_drill_query(r.from, r.to, r.team_id, r.rep_id, None, None);
    let charts = d.charts.clone();
    let chart = |id: &str| charts.iter().find(|c| c.id == id).cloned();
    let with_chart = |c: Option<KpiChart>, title: &'static str, second: Option<&'static str>| {
        c.map(|c| match second {
            Some(s) => view! { <KpiBarChart chart=c title=title second=s/> }.into_any(),
            None => view! { <KpiBarChart chart=c title=title/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="kpis" class="kpis">
            <h2 id="kpis" class="sr-only">{lang.t("KPIs", "关键指标")}</h2>
            <ScopeForm d=d.clone()/>
            <p class="summary" data-testid="kpi-period">
                {format!("{} – {}", r.from, r.to)}" · "
                {lang.t("compared with ", "对比 ")}{format!("{} – {}", r.previous_from, r.previous_to)}" · "
                <a href=format!("/api/v1/kpis/export/csv?{query}") download="">{lang.t("Export CSV", "导出 CSV")}</a>" · "
                <a href=format!("/api/v1/kpis/export/xlsx?{query}") download="">{lang.t("Export Excel", "导出 Excel")}</a>
            </p>
            <KpiTiles report=r.clone()/>
            <div class="charts">
                {with_chart(chart("pipeline_by_stage"), lang.t("Open pipeline by stage", "各阶段在途商机"), None)}
                {with_chart(chart("won_by_step"), lang.t("Won amount", "赢单金额趋势"), None)}
                {with_chart(chart("leads_by_step"), lang.t("New leads", "新增线索趋势"), None)}
                {with_chart(chart("leads_by_source"), lang.t("New leads by source", "各来源新增线索"), None)}
                {with_chart(chart("win_rate_by_rep"), lang.t("Win rate by rep", "各销售赢单率"), None)}
                {with_chart(chart("follow_ups_by_rep"), lang.t("Follow-ups on time by rep", "各销售跟进及时率"), None)}
                {with_chart(chart("first_response_by_step"), lang.t("First response time: median and p90", "首次响应时间：中位数与 P90"), Some("p90"))}
            </div>
            <ForecastTables forecasts=d.forecasts.clone()/>
        </section>
    }
}

/// The period, team and person: a plain GET form, so a view can be bookmarked and shared.
#[component]
fn ScopeForm(d: KpiDashboard) -> impl IntoView {
    let lang = use_lang();
    let r = &d.report;
    let period = d.period.clone().unwrap_or_default();
    let periods = [
        ("week", lang.t("This week", "本周")),
        ("month", lang.t("This month", "本月")),
        ("quarter", lang.t("This quarter", "本季度")),
        ("year", lang.t("This year", "本年")),
        ("", lang.t("From – to", "自定义期间")),
    ];
    view! {
        <form method="get" action="/dashboard" class="filters" aria-label=lang.t("Period and scope", "期间与范围")>
            <label>{lang.t("Period", "期间")}" "
                <select name="period" id="kpi-period">
                    {periods.into_iter().map(|(v, label)| view! {
                        <option value=v selected=v == period>{label}</option>
                    }).collect::<Vec<_>>()}
                </select>
            </label>
            <label>{lang.t("From", "开始")}" "<input type="date" name="from" value=r.from.to_string()/></label>
            <label>{lang.t("To", "结束")}" "<input type="date" name="to" value=r.to.to_string()/></label>
            <label>{lang.t("Team", "团队")}" "
                <select name="team_id" id="kpi-team">
                    <option value="">{lang.t("All I manage", "我管理的全部")}</option>
                    {d.teams.iter().map(|t| view! {
                        <option value=t.id.to_string() selected=r.team_id == Some(t.id)>{t.name.clone()}</option>
                    }).collect::<Vec<_>>()}
                </select>
            </label>
            <label>{lang.t("Person", "人员")}" "
                <select name="rep_id" id="kpi-rep">
                    <option value="">{lang.t("Everyone", "全部人员")}</option>
                    {d.people.iter().map(|p| view! {
                        <option value=p.id.to_string() selected=r.rep_id == Some(p.id)>{p.name.clone()}</option>
                    }).collect::<Vec<_>>()}
                </select>
            </label>
            <button type="submit">{lang.t("Show", "查看")}</button>
        </form>
    }
}

/// One tile per KPI: the value, the change from the previous period, the records behind
/// it (a link to them), and its definition on hover and for screen readers.
#[component]
pub fn KpiTiles(report: KpiReport) -> impl IntoView {
    let lang = use_lang();
    let query = kpi_drill_query(
        report.from,
        report.to,
        report.team_id,
        report.rep_id,
        None,
        None,
    );
    let live = use_context::<Live>();
    // The server's newer figures for the same period and scope, once it pushed some.
    let shown = move || {
        live.and_then(|l| l.kpi.get())
            .filter(|k| {
                (k.from, k.to, k.team_id, k.rep_id)
                    == (report.from, report.to, report.team_id, report.rep_id)
            })
            .unwrap_or_else(|| report.clone())
    };
    view! {
        <div class="tiles kpi-tiles" data-testid="kpi-tiles">
            {move || shown().kpis.iter().map(|k| kpi_tile(lang, k, &query)).collect::<Vec<_>>()}
        </div>
    }
}

fn kpi_tile(lang: Lang, k: &Kpi, query: &str) -> impl IntoView {
    let change = kpi_change(lang, k.unit, k.value, k.previous);
    let better = match (k.value, k.previous) {
        (Some(v), Some(p)) if v != p => Some((v > p) == k.key.higher_is_better()),
        _ => None,
    };
    let records = match lang {
        Lang::En => format!("{} records", k.records),
        Lang::ZhCn => format!("{} 条记录", k.records),
    };
    view! {
        <a class="tile kpi" href=kpi_page_link(k.key, query) data-kpi=k.key.as_str() title=k.definition.clone()>
            <span class="label">{k.key.label(lang)}</span>
            <span class="value">{kpi_value(lang, k.unit, k.value)}</span>
            {k.previous.map(|p| view! {
                <span class="change" data-better=better.map(|b| if b { "yes" } else { "no" })>
                    {change.clone().unwrap_or_default()}" "
                    <span class="previous">{lang.t("before: ", "上期：")}{kpi_value(lang, k.unit, Some(p))}</span>
                </span>
            })}
            <span class="records">{records}</span>
        </a>
    }
}

/// This month's and quarter's forecast by category, cumulative as Salesforce counts it:
/// commit includes closed, best case includes commit, pipeline includes best case.
#[component]
fn ForecastTables(forecasts: Vec<KpiForecast>) -> impl IntoView {
    let lang = use_lang();
    let tables = forecasts
        .into_iter()
        .map(|f| {
            let title = match f.period.as_str() {
                "month" => lang.t("This month", "本月"),
                _ => lang.t("This quarter", "本季度"),
            };
            let rows = f
                .rows
                .into_iter()
                .map(|r| {
                    let total = r.person_id.is_none();
                    view! {
                        <tr class:total=total>
                            <th scope="row">{r.name}</th>
                            <td class="num">{money(r.rollup.closed)}</td>
                            <td class="num">{money(r.rollup.commit)}</td>
                            <td class="num">{money(r.rollup.best_case)}</td>
                            <td class="num">{money(r.rollup.pipeline)}</td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <table class="grid" data-forecast=f.period.clone()>
                    <caption>{title}" · "{format!("{} – {}", f.from, f.to)}</caption>
                    <thead><tr>
                        <th scope="col">{lang.t("Person", "人员")}</th>
                        <th scope="col" class="num">{lang.t("Closed", "已成交")}</th>
                        <th scope="col" class="num">{lang.t("Commit", "承诺")}</th>
                        <th scope="col" class="num">{lang.t("Best case", "最佳情况")}</th>
                        <th scope="col" class="num">{lang.t("Pipeline", "渠道")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section aria-labelledby="forecast">
            <h2 id="forecast">{lang.t("Sales forecast", "销售预测")}</h2>
            <p class="hint">{lang.t(
                "Cumulative: commit includes what is closed, best case includes commit, pipeline includes best case; omitted deals are left out. Each deal's owner sets its category on the deal.",
                "累计口径：承诺含已成交，最佳情况含承诺，渠道含最佳情况；不计入的商机不统计。类别由商机负责人在商机页设置。",
            )}</p>
            {tables}
        </section>
    }
}

/// How many of the contracts waiting for approval the dashboard lists (the newest); the
/// approvals page has them all.
const DASHBOARD_PENDING: i64 = 5;

/// How far the dashboard counts them ("99+" past it; the approvals page counts them all).
const DASHBOARD_COUNTED: i64 = 99;

/// The team's book: contracts to approve, the open pipeline and each rep's figures.
#[component]
fn TeamBook() -> impl IntoView {
    let lang = use_lang();
    let decide = ServerAction::<DecideContract>::new();
    let data = crate::page_data::page_resource(move || decide.version().get(), |_| get_dashboard());
    let pending = crate::page_data::page_resource(
        move || decide.version().get(),
        |_| pending_contracts(Some(DASHBOARD_PENDING), None, Some(DASHBOARD_COUNTED)),
    );
    view! {
        {move || decide.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let p = pending.await.unwrap_or_default();
                let more = p.more_waiting || p.waiting > p.contracts.len() as i64;
                let count = if p.more_waiting { format!("{}+", p.waiting) } else { p.waiting.to_string() };
                (p.waiting > 0).then(|| view! {
                    <section aria-labelledby="approvals" class="card">
                        <h2 id="approvals">{lang.t("Contracts waiting for your approval", "待审批合同")}" "<span class="count" data-testid="approvals-waiting">{count.clone()}</span></h2>
                        <PendingContractRows contracts=p.contracts decide/>
                        {more.then(|| view! {
                            <p><a href="/approvals" data-testid="approvals-all">{match lang {
                                Lang::En => format!("All {count} waiting"),
                                Lang::ZhCn => format!("查看全部 {count} 份"),
                            }}</a></p>
                        })}
                    </section>
                })
            })}
        </Transition>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => {
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
                            <div class="tiles book">
                                <div class="tile"><span class="label">{lang.t("Customers", "客户数")}</span><span class="value" data-kpi="customers">{v.customers}</span></div>
                                <div class="tile"><span class="label">{lang.t("In the public pool", "公海客户")}</span><span class="value">{v.pool_customers}</span></div>
                            </div>
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
