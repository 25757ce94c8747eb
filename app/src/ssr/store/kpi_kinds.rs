//! What each KPI's records are: their kind and page, whose they are, what splits them
//! for a chart, what a drill-down calls them, and what may narrow them.
use crate::domain::kpis::KpiKey;
use crate::domain::pipeline::Stage;

/// What narrows a KPI's records beyond period and people: the deals of one stage (for
/// the pipeline's KPIs, a bar of its funnel), the leads of one source (a bar of new leads
/// by source).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Narrow {
    pub stage: Option<Stage>,
    pub source: Option<&'static str>,
}

impl Narrow {
    /// Why this narrowing does not apply to `key`'s records, as the field and message a
    /// refusal names; None when it does (a stage narrows the open pipeline, a source the
    /// leads).
    pub fn refusal(&self, key: KpiKey) -> Option<(&'static str, &'static str)> {
        use KpiKey::*;
        if self.stage.is_some() && !matches!(key, PipelineValue | WeightedForecast) {
            return Some(("stage", "narrows only the open pipeline"));
        }
        if self.source.is_some() && kind_of(key).kind != "lead" {
            return Some(("source", "narrows only the leads' figures"));
        }
        None
    }
}

/// What a KPI's records are: their kind, the page each is seen on (`/{page}/{id}`), and
/// the column that says whose it is.
pub struct Kind {
    pub kind: &'static str,
    pub page: &'static str,
    pub(super) owner: &'static str,
    /// The column of the record's id (what a roll-up keeps each record by).
    pub(super) id: &'static str,
}

pub fn kind_of(key: KpiKey) -> Kind {
    use KpiKey::*;
    let (kind, page, owner) = match key {
        LeadsNew | LeadConversion | MqlToSql | LeadFirstContactSla => {
            ("lead", "leads", "l.owner_id")
        }
        FollowUpCompliance => ("follow_up", "customers", "a.user_id"),
        ActivitiesLogged => ("activity", "customers", "a.user_id"),
        WinRate | WonAmount | AverageDealSize | SalesCycleDays | PipelineValue
        | WeightedForecast => ("deal", "deals", "o.owner_id"),
        TicketFirstResponseMedian
        | TicketFirstResponseP90
        | TicketResolutionMedian
        | TicketResolutionP90
        | ResolutionRate
        | SlaCompliance
        | Csat => ("ticket", "tickets", "t.assignee_id"),
        DataCompleteness => ("customer", "customers", "c.owner_id"),
        Nps | CustomersAtRisk | CustomerRetention => ("customer", "customers", "c.owner_id"),
        ActiveUsers => ("user", "dashboard", "u.id"),
        ReceivedAmount => ("receipt", "customers", "k.owner_id"),
        ReceivablesOverdue | ReceivablesDue30d => ("installment", "customers", "k.owner_id"),
    };
    let id = match kind {
        "follow_up" | "activity" => "a.id",
        "lead" => "l.id",
        "deal" => "o.id",
        "ticket" => "t.id",
        "customer" => "c.id",
        "user" => "u.id",
        "receipt" => "r.id",
        _ => "i.id",
    };
    Kind {
        kind,
        page,
        owner,
        id,
    }
}

/// What a KPI's records are split by where a chart, a narrowing or a roll-up needs it: the
/// leads' source, the open deals' stage, the forecast's expected close date, the unpaid
/// installments' planned date.
pub(super) fn part_of(key: KpiKey) -> &'static str {
    use KpiKey::*;
    match key {
        LeadsNew | LeadConversion | MqlToSql | LeadFirstContactSla => "l.source",
        PipelineValue => "o.stage",
        WeightedForecast => "o.expected_close",
        ReceivablesOverdue | ReceivablesDue30d => "i.planned_date",
        _ => "''",
    }
}

/// The KPI whose record set `key` reads (several KPIs are figures of the same records), so
/// a report reads each set once.
pub fn records_of(key: KpiKey) -> KpiKey {
    use KpiKey::*;
    match key {
        LeadConversion => LeadsNew,
        SalesCycleDays | AverageDealSize => WonAmount,
        TicketFirstResponseP90 => TicketFirstResponseMedian,
        TicketResolutionP90 => TicketResolutionMedian,
        other => other,
    }
}

/// What a drill-down shows of each kind of record: its name and its page.
pub(super) fn title_and_href(key: KpiKey) -> (&'static str, String) {
    use KpiKey::*;
    let page = |prefix: &str, id: &str| format!("'/{prefix}/' || CAST({id} AS VARCHAR(20))");
    match key {
        LeadsNew | LeadConversion | MqlToSql | LeadFirstContactSla => (
            "l.name",
            format!(
                "CASE WHEN l.converted_customer_id IS NOT NULL THEN {} ELSE '/leads?tab=' || l.status END",
                page("customers", "l.converted_customer_id")
            ),
        ),
        FollowUpCompliance => ("a.summary", page("customers", "a.customer_id")),
        // A lead's call has no customer page: the leads it is among.
        ActivitiesLogged => (
            "a.summary",
            format!(
                "CASE WHEN a.customer_id IS NOT NULL THEN {} ELSE '/leads' END",
                page("customers", "a.customer_id")
            ),
        ),
        WinRate | WonAmount | AverageDealSize | SalesCycleDays | PipelineValue
        | WeightedForecast => ("o.name", page("deals", "o.id")),
        TicketFirstResponseMedian
        | TicketFirstResponseP90
        | TicketResolutionMedian
        | TicketResolutionP90
        | ResolutionRate
        | SlaCompliance
        | Csat => ("t.subject", page("tickets", "t.id")),
        DataCompleteness => ("c.name", page("customers", "c.id")),
        Nps | CustomersAtRisk | CustomerRetention => ("c.name", page("customers", "c.id")),
        // A person's own dashboard: their figures for the same KPIs.
        ActiveUsers => (
            "u.name",
            "'/dashboard?rep_id=' || CAST(u.id AS VARCHAR(20))".to_string(),
        ),
        ReceivedAmount => (
            "c.name || ' · ' || r.received_on",
            page("customers", "c.id"),
        ),
        ReceivablesOverdue | ReceivablesDue30d => (
            "c.name || ' · ' || i.planned_date",
            page("customers", "c.id"),
        ),
    }
}
