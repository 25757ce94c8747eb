//! The customer list: filters, search, sorts and keyset pages over the viewer's scope.
use super::{into_page, page_cursor, page_limit, Check};
use crate::domain::validate::optional_text;
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::customer_list::{self as store, CustomerFilter, CustomerSort, SortValue};

/// Query parameters of the customer list.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct CustomerQuery {
    /// Part of the customer's name.
    pub q: Option<String>,
    /// A, B or C.
    pub level: Option<String>,
    /// prospect, active or churned.
    pub status: Option<String>,
    /// Only this owner's customers.
    pub owner_id: Option<i64>,
    /// Only customers in the public pool.
    pub pool: Option<bool>,
    /// Exact industry, e.g. 制造业.
    pub industry: Option<String>,
    /// Exact region, e.g. 上海.
    pub region: Option<String>,
    /// Customers carrying this tag.
    pub tag: Option<String>,
    /// No contact for at least this many days (or never contacted); 1..=3650.
    pub no_contact_days: Option<i64>,
    /// Only customers at churn risk.
    pub at_risk: Option<bool>,
    /// newest (default), next_follow_up (soonest first), last_contact (longest silent
    /// first), name (A to Z, Chinese names by pinyin) or health (lowest first). A search orders by match instead.
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    q: CustomerQuery,
) -> AppResult<Page<Customer>> {
    let mut check = Check::new();
    let limit = check.field("limit", page_limit(q.limit).map_err(error_message));
    let sort = match q.sort.as_deref().map(str::trim).map(CustomerSort::parse) {
        None => CustomerSort::Newest,
        Some(Some(sort)) => sort,
        Some(None) => {
            check.fail(
                "sort",
                "choose newest, next_follow_up, last_contact or name",
            );
            CustomerSort::Newest
        }
    };
    let searching = q.q.as_deref().is_some_and(|n| !n.trim().is_empty());
    let (before_id, after) = if sort == CustomerSort::Newest || searching {
        let before = check.field(
            "cursor",
            page_cursor(q.cursor.as_deref()).map_err(error_message),
        );
        (before, None)
    } else {
        match q.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => (None, None),
            Some(c) => match SortValue::from_cursor(sort, c) {
                Some(k) => (None, Some(k)),
                None => {
                    check.fail("cursor", "not a cursor this server gave out");
                    (None, None)
                }
            },
        }
    };
    let contact_before = match q.no_contact_days {
        None => None,
        Some(d) if (1..=3650).contains(&d) => Some(state.clock.now_ms() - d * 86_400_000),
        Some(_) => {
            check.fail("no_contact_days", "must be between 1 and 3650");
            None
        }
    };
    let level: Option<Level> = check.choice("level", q.level.as_deref());
    let status: Option<CustomerStatus> = check.choice("status", q.status.as_deref());
    // Filter words are compared in SQL: a control character (PostgreSQL refuses NUL in
    // text) is the caller's mistake, named like any other.
    let mut filter_text = |field: &str, v: &Option<String>| {
        check.field(field, optional_text(v.as_deref().unwrap_or(""), 100))
    };
    let industry = filter_text("industry", &q.industry);
    let region = filter_text("region", &q.region);
    let tag = filter_text("tag", &q.tag);
    check.finish()?;
    let needle = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let search = needle.map(|n| crate::ssr::store::search::Search::new(state.db.backend, n));
    if let Some(None) = search {
        // Only punctuation was typed: nothing can match.
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let filter = CustomerFilter {
        search: search.flatten(),
        level,
        status,
        owner_id: q.owner_id,
        pool: q.pool.unwrap_or(false),
        before_id,
        limit,
        industry,
        region,
        tag,
        contact_before,
        at_risk: q.at_risk.unwrap_or(false),
        sort: if searching {
            CustomerSort::Newest
        } else {
            sort
        },
        after,
    };
    let mut conn = state.db.read.acquire().await?;
    let rows = store::list(&mut conn, viewer, &filter).await?;
    if filter.sort == CustomerSort::Newest {
        return Ok(into_page(rows, limit, |c| c.id));
    }
    let mut page = into_page(rows, limit, |c| c.id);
    if page.next_cursor.is_some() {
        page.next_cursor = page.items.last().map(|c| filter.sort.value(c).cursor(c.id));
    }
    Ok(page)
}

fn error_message(e: AppError) -> String {
    match e {
        AppError::Validation(m) => m
            .into_values()
            .next()
            .map(|e| e.message)
            .unwrap_or_default(),
        other => other.to_string(),
    }
}
