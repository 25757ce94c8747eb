//! Where a KPI's roll-up cells fall: their slots (local hours or days), the coarser cells
//! kept beside them, the names they are kept under, and the instant after which a
//! record's cell is settled.
use crate::domain::forecast::ForecastCategory;
use crate::domain::kpis::KpiKey;
use crate::domain::time::DEFAULT_UTC_OFFSET_MINUTES;
use crate::ssr::store::kpis::records_of;

pub(crate) const DAY_MS: i64 = 86_400_000;

pub(crate) const HOUR_MS: i64 = 3_600_000;

/// The instant before which every record of `key` counts or does not for good: records
/// judged only once their time has passed (a lead's contact deadline, a follow-up's day
/// of grace) are read from the records after it.
pub fn settled_before(key: KpiKey, now_ms: i64) -> Option<i64> {
    match records_of(key) {
        KpiKey::LeadFirstContactSla => Some(now_ms + 1),
        KpiKey::FollowUpCompliance => Some(now_ms - DAY_MS + 1),
        _ => None,
    }
}

/// How long a cell of `key` is: an hour for the KPIs whose records are judged late (so
/// what the cells cannot hold yet is at most an hour of records), a local day otherwise.
pub fn slot_ms(key: KpiKey) -> i64 {
    if is_hourly(key) {
        HOUR_MS
    } else {
        DAY_MS
    }
}

/// Whether `key`'s records are kept in hour cells (those judged late).
pub fn is_hourly(key: KpiKey) -> bool {
    settled_before(key, 0).is_some()
}

/// Retention's coarser cells: blocks of this many days (days since 1970 divided by it).
pub const RETENTION_BLOCK_DAYS: i64 = 32;

/// How a KPI's coarser cells are made of its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coarser {
    /// This many slots make one (slot divided by it).
    Slots(i64),
    /// A date part's month: its first seven characters (`YYYY-MM`).
    Month,
}

/// The length of a month part (`YYYY-MM`) of a date part.
pub const MONTH_PART_LEN: usize = 7;

/// The month (`YYYY-MM`) of a date part, as the month cells keep it (SQL's `SUBSTR` to
/// [`MONTH_PART_LEN`] in `kpi_rollups::rebuild`).
pub fn month_part(part: &str) -> String {
    part.chars().take(MONTH_PART_LEN).collect()
}

/// Whether `key`'s cells are also kept coarser, and how: an hourly KPI keeps days (24
/// hours), so a month sums thirty days per person and only the last day by the hour;
/// retention keeps 32-day blocks, since it sums every day before a period (two years are
/// 23 blocks and a few days, not 730 days); the unpaid installments keep months of
/// planned dates, since overdue sums every date before today.
pub fn coarser(key: KpiKey) -> Option<(&'static str, Coarser)> {
    match records_of(key) {
        KpiKey::CustomerRetention => Some(("32d", Coarser::Slots(RETENTION_BLOCK_DAYS))),
        KpiKey::ReceivablesOverdue | KpiKey::ReceivablesDue30d => Some(("month", Coarser::Month)),
        set if is_hourly(set) => Some(("day", Coarser::Slots(24))),
        _ => None,
    }
}

/// The name `key`'s cells are kept under in `kpi_cells`: the KPI's, or for its coarser
/// cells ([`coarser`]) the KPI's with `:day`, `:32d` or `:month` after it.
pub fn cells_name(key: KpiKey, coarse: bool) -> String {
    let set = records_of(key).as_str();
    match coarser(key).filter(|_| coarse) {
        Some((suffix, _)) => format!("{set}:{suffix}"),
        None => set.to_string(),
    }
}

/// The cell (local hours or days since 1970-01-01) an instant falls in, for `key`.
pub fn slot_of(key: KpiKey, ms: i64) -> i64 {
    (ms + DEFAULT_UTC_OFFSET_MINUTES as i64 * 60_000).div_euclid(slot_ms(key))
}

/// The instant a cell of `key` begins.
pub fn slot_start(key: KpiKey, slot: i64) -> i64 {
    slot * slot_ms(key) - DEFAULT_UTC_OFFSET_MINUTES as i64 * 60_000
}

/// The local day an instant falls on (days since 1970-01-01 in Tandem's time zone).
pub fn day_of(ms: i64) -> i64 {
    (ms + DEFAULT_UTC_OFFSET_MINUTES as i64 * 60_000).div_euclid(DAY_MS)
}

/// The instant a local day begins.
pub fn day_start(day: i64) -> i64 {
    day * DAY_MS - DEFAULT_UTC_OFFSET_MINUTES as i64 * 60_000
}

/// The category a weighted forecast cell's grade stands for.
pub fn forecast_category(grade: i64) -> ForecastCategory {
    usize::try_from(grade)
        .ok()
        .and_then(|i| ForecastCategory::ALL.get(i).copied())
        .unwrap_or(ForecastCategory::Pipeline)
}
