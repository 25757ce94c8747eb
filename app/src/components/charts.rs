//! The dashboard's charts, drawn as SVG where the page is made (so they show before the
//! WebAssembly arrives, and print): horizontal bars that scale to a phone's width, each bar
//! a link to the records behind it, and beside each chart its numbers as a table.
use crate::format::{escape_html, kpi_value};
use crate::i18n::Lang;
use crate::model::{KpiBar, KpiChart};
use crate::use_lang;
use leptos::prelude::*;

/// The drawing's width in its own units; the picture scales to the page.
const WIDTH: f64 = 400.0;
/// Where the bars start (the labels sit left of it) and the longest bar's length.
const BAR_X: f64 = 128.0;
const BAR_MAX: f64 = 150.0;
const ROW: f64 = 30.0;

/// A label short enough for the space left of the bars.
fn short(label: &str) -> String {
    let wide = label.chars().filter(|c| !c.is_ascii()).count();
    let room = if wide > 0 { 8 } else { 16 };
    if label.chars().count() <= room {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(room - 1).collect();
        s.push('…');
        s
    }
}

/// The chart as SVG markup: one row per bar, the value after it; with `second`, a thinner
/// bar under the first for the second figure (the p90 under the median).
pub fn chart_svg(chart: &KpiChart, lang: Lang, label_id: &str) -> String {
    let top = chart
        .bars
        .iter()
        .flat_map(|b| [b.value, b.second])
        .flatten()
        .fold(0.0_f64, f64::max);
    let height = (chart.bars.len() as f64 * ROW).max(ROW);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{label_id}\" class=\"bars\" preserveAspectRatio=\"xMinYMin meet\">"
    );
    let length = |v: Option<f64>| match v {
        Some(v) if top > 0.0 && v > 0.0 => (v / top * BAR_MAX).max(2.0),
        _ => 0.0,
    };
    for (i, bar) in chart.bars.iter().enumerate() {
        let y = i as f64 * ROW;
        let value = kpi_value(lang, chart.unit, bar.value);
        let first = length(bar.value);
        let second = length(bar.second);
        let shown = match bar.second {
            Some(s) => format!("{value} / {}", kpi_value(lang, chart.unit, Some(s))),
            None => value,
        };
        let name = escape_html(&bar.label);
        svg.push_str(&format!(
            "<a href=\"{href}\" aria-label=\"{name}: {shown_e}\" data-bar=\"{i}\">\
             <rect x=\"0\" y=\"{y}\" width=\"{WIDTH}\" height=\"{ROW}\" class=\"hit\"/>\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" class=\"label\">{label}</text>",
            href = escape_html(&bar.drill),
            shown_e = escape_html(&shown),
            lx = BAR_X - 6.0,
            ty = y + 20.0,
            label = escape_html(&short(&bar.label)),
        ));
        match bar.second {
            Some(p) => svg.push_str(&format!(
                "<rect x=\"{BAR_X}\" y=\"{y1}\" width=\"{first:.1}\" height=\"10\" class=\"bar\"/>\
                 <rect x=\"{BAR_X}\" y=\"{y2}\" width=\"{second:.1}\" height=\"7\" class=\"bar second\"/>\
                 <text x=\"{vx1:.1}\" y=\"{ty1}\" class=\"value\">{v1}</text>\
                 <text x=\"{vx2:.1}\" y=\"{ty2}\" class=\"value second\">{v2}</text></a>",
                y1 = y + 5.0,
                y2 = y + 19.0,
                vx1 = BAR_X + first + 5.0,
                vx2 = BAR_X + second + 5.0,
                ty1 = y + 14.0,
                ty2 = y + 27.0,
                v1 = escape_html(&kpi_value(lang, chart.unit, bar.value)),
                v2 = escape_html(&kpi_value(lang, chart.unit, Some(p))),
            )),
            None => svg.push_str(&format!(
                "<rect x=\"{BAR_X}\" y=\"{y1}\" width=\"{first:.1}\" height=\"16\" class=\"bar\"/>\
                 <text x=\"{vx:.1}\" y=\"{ty}\" class=\"value\">{shown}</text></a>",
                y1 = y + 7.0,
                vx = BAR_X + first + 5.0,
                ty = y + 20.0,
                shown = escape_html(&shown),
            )),
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A chart with its title, the picture, and the same numbers as a table (for screen
/// readers, and for anyone who wants the figures).
#[component]
pub fn KpiBarChart(
    chart: KpiChart,
    title: &'static str,
    /// The name of the second figure, when the chart has one.
    #[prop(optional)]
    second: Option<&'static str>,
) -> impl IntoView {
    let lang = use_lang();
    let label_id = format!("chart-{}", chart.id);
    let svg = chart_svg(&chart, lang, &label_id);
    let empty = chart.bars.iter().all(|b| b.records == 0);
    let rows = chart
        .bars
        .iter()
        .map(|b: &KpiBar| {
            let b = b.clone();
            view! {
                <tr>
                    <th scope="row"><a href=b.drill.clone()>{b.label.clone()}</a></th>
                    <td class="num">{kpi_value(lang, chart.unit, b.value)}</td>
                    {second.map(|_| view! { <td class="num">{kpi_value(lang, chart.unit, b.second)}</td> })}
                    <td class="num">{b.records}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <figure class="chart" data-chart=chart.id.clone()>
            <figcaption id=label_id.clone()>{title}</figcaption>
            {if empty {
                view! { <p class="hint">{lang.t("No records in this period.", "此期间没有记录。")}</p> }.into_any()
            } else {
                view! { <div class="chart-picture" inner_html=svg></div> }.into_any()
            }}
            <table class="sr-only">
                <caption>{title}</caption>
                <thead><tr>
                    <th scope="col">{lang.t("Bar", "项")}</th>
                    <th scope="col">{second.map_or(lang.t("Value", "数值"), |_| lang.t("Median", "中位数"))}</th>
                    {second.map(|s| view! { <th scope="col">{s}</th> })}
                    <th scope="col">{lang.t("Records", "记录数")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{KpiKey, KpiUnit};

    #[test]
    fn bars_are_links_to_their_records_and_scale_to_the_largest() {
        let bar = |label: &str, v: f64, n: i64| KpiBar {
            label: label.to_string(),
            value: Some(v),
            second: None,
            records: n,
            drill: format!("/dashboard/won_amount?from=2026-03-0{n}&to=2026-03-0{n}"),
        };
        let chart = KpiChart {
            id: "won_by_step".into(),
            key: KpiKey::WonAmount,
            unit: KpiUnit::MoneyMinor,
            bars: vec![bar("03-02", 100_000.0, 1), bar("03-09 <b>", 50_000.0, 2)],
        };
        let svg = chart_svg(&chart, Lang::En, "c");
        assert_eq!(svg.matches("<a href=").count(), 2);
        assert!(svg.contains("href=\"/dashboard/won_amount?from=2026-03-01&amp;to=2026-03-01\""));
        assert!(svg.contains(&format!("width=\"{BAR_MAX:.1}\"")));
        assert!(svg.contains(&format!("width=\"{:.1}\"", BAR_MAX / 2.0)));
        assert!(svg.contains("¥1,000"));
        assert!(!svg.contains("<b>"), "labels are escaped");
    }
}
