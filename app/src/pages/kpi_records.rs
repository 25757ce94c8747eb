//! The records behind one KPI (a dashboard tile or chart bar): as many as the number
//! counts, each a link to its page, with the value they make and a spreadsheet export.
use crate::api::get_kpi_records;
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::format::{kpi_value, money, short_time};
use crate::i18n::Lang;
use crate::model::{kpi_drill_query, KpiKey, KpiRecords, KpiUnit};
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// How many records the page lists; the export holds them all.
const SHOWN: usize = 500;

#[component]
pub fn KpiRecordsPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let asked = move || {
        let key = params.with(|p| p.get("key")).unwrap_or_default();
        query.with(|q| {
            (
                key,
                q.get("period"),
                q.get("from"),
                q.get("to"),
                q.get("team_id"),
                q.get("rep_id"),
                q.get("stage"),
                q.get("source"),
            )
        })
    };
    let data = crate::page_data::page_resource(
        asked,
        |(key, period, from, to, team, rep, stage, source)| {
            get_kpi_records(key, period, from, to, team, rep, stage, source)
        },
    );
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => view! { <RecordsView r=r/> }.into_any(),
                    Err(e) => view! {
                        <PageTitle text=lang.t("KPI · Tandem", "指标 · Tandem")/>
                        <h1>{lang.t("KPI records", "指标明细")}</h1>
                        <ErrorNote error=e/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What a record's measure means for this KPI, as a column header.
fn measure_header(key: KpiKey, lang: Lang) -> &'static str {
    use KpiKey::*;
    match key {
        LeadsNew | LeadConversion => lang.t("Converted", "已转化"),
        MqlToSql => lang.t("Sales-qualified", "已成 SQL"),
        CustomerRetention => lang.t("Kept", "留存"),
        LeadFirstContactSla | FollowUpCompliance => lang.t("On time", "及时"),
        WinRate => lang.t("Won", "赢单"),
        WonAmount | AverageDealSize | SalesCycleDays => lang.t("Days to win", "赢单天数"),
        PipelineValue | WeightedForecast => lang.t("Probability", "赢率"),
        TicketFirstResponseMedian | TicketFirstResponseP90 => lang.t("First response", "首次响应"),
        SlaCompliance => lang.t("Within SLA", "未违约"),
        TicketResolutionMedian | TicketResolutionP90 => lang.t("Resolved in", "解决用时"),
        ResolutionRate => lang.t("Resolved", "已解决"),
        DataCompleteness => lang.t("Complete", "完整"),
        Csat | Nps => lang.t("Score", "评分"),
        CustomersAtRisk => lang.t("Health", "健康度"),
        ReceivedAmount | ReceivablesOverdue | ReceivablesDue30d | ActiveUsers
        | ActivitiesLogged => "",
    }
}

fn measure_text(key: KpiKey, lang: Lang, m: Option<i64>) -> String {
    use KpiKey::*;
    let Some(m) = m else {
        return String::new();
    };
    match key {
        LeadsNew | LeadConversion | MqlToSql | LeadFirstContactSla | FollowUpCompliance
        | WinRate | SlaCompliance | ResolutionRate | DataCompleteness | CustomerRetention => {
            if m == 1 {
                lang.t("yes", "是")
            } else {
                lang.t("no", "否")
            }
            .to_string()
        }
        WonAmount | AverageDealSize | SalesCycleDays => {
            kpi_value(lang, KpiUnit::Days, Some(m as f64 / 1440.0))
        }
        PipelineValue | WeightedForecast => format!("{m}%"),
        TicketFirstResponseMedian
        | TicketFirstResponseP90
        | TicketResolutionMedian
        | TicketResolutionP90 => kpi_value(lang, KpiUnit::Minutes, Some(m as f64)),
        Csat | Nps | CustomersAtRisk => m.to_string(),
        ReceivedAmount | ReceivablesOverdue | ReceivablesDue30d | ActiveUsers
        | ActivitiesLogged => String::new(),
    }
}

#[component]
fn RecordsView(r: KpiRecords) -> impl IntoView {
    let lang = use_lang();
    let query = kpi_drill_query(
        r.from,
        r.to,
        r.team_id,
        r.rep_id,
        r.stage.as_deref(),
        r.source.as_deref(),
    );
    let back = format!(
        "/dashboard?{}",
        kpi_drill_query(r.from, r.to, r.team_id, r.rep_id, None, None)
    );
    let key = r.key;
    let title = key.label(lang);
    let more = (r.items.len() > SHOWN).then(|| {
        let text = match lang {
            Lang::En => format!(
                "Showing the newest {SHOWN} of {}; the export holds them all.",
                r.count
            ),
            Lang::ZhCn => format!("显示最新 {SHOWN} 条，共 {} 条；导出文件包含全部。", r.count),
        };
        view! { <p class="hint">{text}</p> }
    });
    let count = match lang {
        Lang::En => format!("{} records", r.count),
        Lang::ZhCn => format!("{} 条记录", r.count),
    };
    let rows = r.items.iter().take(SHOWN).map(|i| view! {
        <tr data-record=i.id>
            <th scope="row"><a href=i.href.clone()>{if i.title.is_empty() { format!("#{}", i.id) } else { i.title.clone() }}</a></th>
            <td>{short_time(i.at)}</td>
            <td class="num">{i.amount_minor.map(money).unwrap_or_default()}</td>
            <td class="num">{measure_text(key, lang, i.measure)}</td>
        </tr>
    }).collect::<Vec<_>>();
    view! {
        <PageTitle text=format!("{title} · Tandem")/>
        <p><a href=back>{lang.t("← Dashboard", "← 返回仪表盘")}</a></p>
        <h1>{title}</h1>
        <p class="summary">
            {format!("{} – {}", r.from, r.to)}
            {r.stage.clone().and_then(|s| crate::domain::pipeline::Stage::parse(&s)).map(|s| format!(" · {}", s.label(lang)))}
            {r.source.as_deref().map(|s| format!(" · {}", crate::domain::leads::lead_source_label(s, lang)))}
        </p>
        <div class="tiles">
            <div class="tile">
                <span class="label">{title}</span>
                <span class="value" data-testid="kpi-value">{kpi_value(lang, r.unit, r.value)}</span>
            </div>
            <div class="tile">
                <span class="label">{lang.t("Records behind it", "对应记录")}</span>
                <span class="value" data-testid="kpi-count">{count}</span>
            </div>
        </div>
        <p class="hint">{key.definition(lang)}</p>
        <p>
            <a href=format!("/api/v1/kpis/{}/records/export/csv?{query}", key.as_str()) download="">{lang.t("Export CSV", "导出 CSV")}</a>" · "
            <a href=format!("/api/v1/kpis/{}/records/export/xlsx?{query}", key.as_str()) download="">{lang.t("Export Excel", "导出 Excel")}</a>
        </p>
        <table class="grid" data-testid="kpi-records">
            <thead><tr>
                <th scope="col">{lang.t("Record", "记录")}</th>
                <th scope="col">{lang.t("Time", "时间")}</th>
                <th scope="col" class="num">{lang.t("Amount", "金额")}</th>
                <th scope="col" class="num">{measure_header(key, lang)}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {more}
    }
}
