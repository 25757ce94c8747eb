//! The KPI tables as people export them to a spreadsheet: the report (every KPI with the
//! previous period's value) and the records behind one KPI, with headers in the reader's
//! language and numbers as numbers (money in yuan, not fen).
use crate::domain::kpis::KpiUnit;
use crate::i18n::Lang;
use crate::model::{KpiRecords, KpiReport};

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

/// A table to export: its name (the file's and the sheet's), headers and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiTable {
    pub name: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// A value in the unit people read: money in major units, others as they are.
fn number(unit: KpiUnit, v: Option<f64>) -> Cell {
    match v {
        None => Cell::Empty,
        Some(v) if unit == KpiUnit::MoneyMinor => Cell::Number(v / 100.0),
        Some(v) => Cell::Number(v),
    }
}

/// The unit's name beside the value.
pub fn unit_label(unit: KpiUnit, lang: Lang) -> &'static str {
    match unit {
        KpiUnit::Count => lang.t("count", "个"),
        KpiUnit::Percent => "%",
        KpiUnit::MoneyMinor => lang.t("yuan", "元"),
        KpiUnit::Minutes => lang.t("minutes", "分钟"),
        KpiUnit::Days => lang.t("days", "天"),
        KpiUnit::Score => lang.t("score", "分"),
    }
}

/// Every KPI of a report, one row each.
pub fn report_table(report: &KpiReport, lang: Lang) -> KpiTable {
    KpiTable {
        name: format!("kpis-{}-{}", report.from, report.to),
        headers: vec![
            lang.t("KPI", "指标"),
            lang.t("Key", "键"),
            lang.t("Value", "数值"),
            lang.t("Previous period", "上一期间"),
            lang.t("Unit", "单位"),
            lang.t("Records", "记录数"),
            lang.t("Definition", "定义"),
        ],
        rows: report
            .kpis
            .iter()
            .map(|k| {
                vec![
                    Cell::Text(k.key.label(lang).to_string()),
                    Cell::Text(k.key.as_str().to_string()),
                    number(k.unit, k.value),
                    number(k.unit, k.previous),
                    Cell::Text(unit_label(k.unit, lang).to_string()),
                    Cell::Number(k.records as f64),
                    Cell::Text(k.definition.clone()),
                ]
            })
            .collect(),
    }
}

/// The records behind one KPI, one row each.
pub fn records_table(records: &KpiRecords, lang: Lang) -> KpiTable {
    KpiTable {
        name: format!("{}-{}-{}", records.key.as_str(), records.from, records.to),
        headers: vec![
            lang.t("Kind", "类型"),
            lang.t("ID", "编号"),
            lang.t("Title", "名称"),
            lang.t("Time", "时间"),
            lang.t("Amount (yuan)", "金额（元）"),
            lang.t("Measure", "度量"),
            lang.t("Link", "链接"),
        ],
        rows: records
            .items
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.kind.clone()),
                    Cell::Number(r.id as f64),
                    Cell::Text(r.title.clone()),
                    Cell::Text(r.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
                    r.amount_minor
                        .map_or(Cell::Empty, |a| Cell::Number(a as f64 / 100.0)),
                    r.measure.map_or(Cell::Empty, |m| Cell::Number(m as f64)),
                    Cell::Text(r.href.clone()),
                ]
            })
            .collect(),
    }
}
