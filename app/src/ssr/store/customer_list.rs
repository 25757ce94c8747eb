//! The customer list: filters, sort orders and their keyset cursors, read through the
//! viewer's scope.
use super::customers::{name_key, CustomerRow, COLUMNS, FIELDS};
use super::scope::{owned_by_scope, Access};
use crate::model::{Customer, CustomerStatus, Level};
use crate::ssr::auth::Viewer;
use crate::ssr::store::db::Sql;
use sqlx::AnyConnection;

#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub search: Option<super::search::Search>,
    pub level: Option<Level>,
    pub status: Option<CustomerStatus>,
    pub owner_id: Option<i64>,
    /// Only customers in the public pool.
    pub pool: bool,
    /// Keyset: rows with an id below this one (newest first).
    pub before_id: Option<i64>,
    pub limit: i64,
    pub industry: Option<String>,
    pub region: Option<String>,
    /// Customers carrying this tag.
    pub tag: Option<String>,
    /// No contact since this instant (ms), or never contacted.
    pub contact_before: Option<i64>,
    /// Only customers at churn risk (their health fell below the line).
    pub at_risk: bool,
    pub sort: CustomerSort,
    /// Keyset for the ascending sorts: (sort value, id) of the last row read.
    pub after: Option<(SortValue, i64)>,
}

/// A sort value in a keyset cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortValue {
    Int(i64),
    Text(String),
}

impl SortValue {
    /// The opaque cursor for the row after (this value, `id`).
    pub fn cursor(&self, id: i64) -> String {
        match self {
            SortValue::Int(v) => super::encode_pair("k", *v, id),
            SortValue::Text(v) => {
                use base64::Engine;
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("n:{id}:{v}"))
            }
        }
    }

    /// Reads a cursor made by [`SortValue::cursor`] for `sort`; None if it is not one.
    pub fn from_cursor(sort: CustomerSort, cursor: &str) -> Option<(SortValue, i64)> {
        if sort != CustomerSort::Name {
            return super::decode_pair("k", cursor).map(|(v, id)| (SortValue::Int(v), id));
        }
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (id, key) = text.strip_prefix("n:")?.split_once(':')?;
        Some((SortValue::Text(key.to_string()), id.parse().ok()?))
    }
}

/// How a customer list is ordered (searches order by match instead).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CustomerSort {
    /// Newest first.
    #[default]
    Newest,
    /// Soonest next follow-up first; none scheduled last.
    NextFollowUp,
    /// Longest without contact first; never contacted first of all.
    LastContact,
    /// By name, A to Z, Chinese names by pinyin.
    Name,
    /// Lowest health first; not yet scored last.
    Health,
}

/// Sort value for a customer not yet scored: after every real score.
pub const NO_HEALTH: i64 = 101;

/// Sort value for a customer with no follow-up scheduled: after every real one.
pub const NO_FOLLOW_UP: i64 = i64::MAX / 2;

impl CustomerSort {
    pub fn parse(s: &str) -> Option<CustomerSort> {
        match s {
            "" | "newest" => Some(CustomerSort::Newest),
            "next_follow_up" => Some(CustomerSort::NextFollowUp),
            "last_contact" => Some(CustomerSort::LastContact),
            "name" => Some(CustomerSort::Name),
            "health" => Some(CustomerSort::Health),
            _ => None,
        }
    }

    /// The sort value as SQL over the table alias `t` (e.g. `c.`).
    fn key(self, t: &str) -> String {
        match self {
            CustomerSort::Newest => format!("{t}id"),
            CustomerSort::NextFollowUp => {
                format!("COALESCE({t}next_follow_up_at, {NO_FOLLOW_UP})")
            }
            CustomerSort::LastContact => format!("COALESCE({t}last_contact_at, 0)"),
            CustomerSort::Name => format!("{t}name_key"),
            CustomerSort::Health => format!("COALESCE({t}health_score, {NO_HEALTH})"),
        }
    }

    fn order(self, t: &str) -> String {
        match self {
            CustomerSort::Newest => format!("{t}id DESC"),
            _ => format!("{}, {t}id", self.key(t)),
        }
    }

    /// The sort value of a row, for the next page's cursor.
    pub fn value(self, c: &Customer) -> SortValue {
        match self {
            CustomerSort::Newest => SortValue::Int(c.id),
            CustomerSort::NextFollowUp => SortValue::Int(
                c.next_follow_up_at
                    .map(|t| t.timestamp_millis())
                    .unwrap_or(NO_FOLLOW_UP),
            ),
            CustomerSort::LastContact => {
                SortValue::Int(c.last_contact_at.map(|t| t.timestamp_millis()).unwrap_or(0))
            }
            CustomerSort::Name => SortValue::Text(name_key(&c.name)),
            CustomerSort::Health => SortValue::Int(c.health_score.unwrap_or(NO_HEALTH)),
        }
    }
}

/// Newest first, keyset-paged; fetches `limit + 1` rows so the caller knows if more follow.
///
/// A rep's scope is "mine OR the pool": one OR over the owner index makes databases collect
/// and sort every match (tens of thousands of rows at 10⁵ customers). Instead each owner
/// group is its own branch that walks the (owner_id, id) index newest first and stops at
/// `limit + 1`; the branches are merged and cut again. Managers' branches are their team's
/// members (looked up first); admins and agents walk the primary key.
pub async fn list(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    f: &CustomerFilter,
) -> Result<Vec<Customer>, sqlx::Error> {
    if let Some(search) = &f.search {
        // Driven by the index: matches newest first, stopping at the page size.
        let mut sql = Sql::new(FIELDS);
        search.push_from(&mut sql);
        owned_by_scope(&mut sql, viewer, Access::Read, "c.owner_id");
        let rest = CustomerFilter {
            search: None,
            ..f.clone()
        };
        push_filters(&mut sql, &rest, "c.");
        sql.push(&format!(" ORDER BY {} DESC LIMIT ", search.order_key()))
            .bind(f.limit + 1);
        return sql.all::<CustomerRow, _>(conn, Customer::from).await;
    }
    let groups = super::scope::owner_groups(&mut *conn, viewer).await?;
    let groups: Vec<Option<i64>> = match (groups, f.owner_id, f.pool) {
        // An explicit owner or pool filter narrows the groups.
        (_, _, true) => vec![None],
        (None, Some(owner), false) => vec![Some(owner)],
        (Some(gs), Some(owner), false) => gs.into_iter().filter(|g| *g == Some(owner)).collect(),
        (Some(gs), None, false) => gs,
        (None, None, false) => {
            let mut sql = Sql::new(COLUMNS);
            push_filters(&mut sql, f, "c.");
            sql.push(&format!(" ORDER BY {} LIMIT ", f.sort.order("c.")))
                .bind(f.limit + 1);
            return sql.all::<CustomerRow, _>(conn, Customer::from).await;
        }
    };
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND c.id IN (");
    for (i, group) in groups.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push("SELECT id FROM (SELECT k.id FROM customers k WHERE k.deleted_at IS NULL AND k.owner_id");
        match group {
            Some(owner) => sql.push(" = ").bind(*owner),
            None => sql.push(" IS NULL"),
        };
        push_filters(&mut sql, f, "k.");
        sql.push(&format!(" ORDER BY {} LIMIT ", f.sort.order("k.")))
            .bind(f.limit + 1)
            .push(&format!(") g{i}"));
    }
    sql.push(&format!(") ORDER BY {} LIMIT ", f.sort.order("c.")))
        .bind(f.limit + 1);
    sql.all::<CustomerRow, _>(conn, Customer::from).await
}

fn push_filters(sql: &mut Sql, f: &CustomerFilter, t: &str) {
    if let Some(search) = &f.search {
        search.push(sql, &super::search::CUSTOMERS, &format!("{t}id"));
    }
    if let Some(level) = f.level {
        sql.push(&format!(" AND {t}level = ")).bind(level.as_str());
    }
    if let Some(status) = f.status {
        sql.push(&format!(" AND {t}status = "))
            .bind(status.as_str());
    }
    if let Some(owner) = f.owner_id {
        sql.push(&format!(" AND {t}owner_id = ")).bind(owner);
    }
    if f.pool {
        sql.push(&format!(" AND {t}owner_id IS NULL"));
    }
    if let Some(before) = f.before_id {
        sql.push(&format!(" AND {t}id < ")).bind(before);
    }
    if let Some(industry) = &f.industry {
        sql.push(&format!(" AND {t}industry = "))
            .bind(industry.as_str());
    }
    if let Some(region) = &f.region {
        sql.push(&format!(" AND {t}region = "))
            .bind(region.as_str());
    }
    if let Some(tag) = &f.tag {
        // Tags are a JSON array of strings: match the quoted, JSON-escaped tag.
        let quoted = serde_json::to_string(tag).unwrap_or_default();
        let mut pattern = String::from("%");
        for ch in quoted.chars() {
            if matches!(ch, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(ch);
        }
        pattern.push('%');
        sql.push(&format!(" AND {t}tags LIKE "))
            .bind(pattern)
            .push(" ESCAPE '\\'");
    }
    if f.at_risk {
        sql.push(&format!(" AND {t}health_at_risk = 1"));
    }
    if let Some(before) = f.contact_before {
        sql.push(&format!(
            " AND ({t}last_contact_at IS NULL OR {t}last_contact_at < "
        ))
        .bind(before)
        .push(")");
    }
    if let Some((value, id)) = &f.after {
        // A row-value comparison, so that the index on (owner, key, id) seeks to the page.
        sql.push(&format!(" AND ({}, {t}id) > (", f.sort.key(t)));
        match value {
            SortValue::Int(v) => sql.bind(*v),
            SortValue::Text(v) => sql.bind(v.clone()),
        };
        sql.push(", ").bind(*id).push(")");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_cursors_round_trip_and_are_not_taken_for_other_sorts() {
        let v = SortValue::Text("beijing:x".into());
        let c = v.cursor(42);
        assert_eq!(
            SortValue::from_cursor(CustomerSort::Name, &c),
            Some((v, 42))
        );
        assert_eq!(SortValue::from_cursor(CustomerSort::LastContact, &c), None);
        let k = SortValue::Int(-5).cursor(7);
        assert_eq!(SortValue::from_cursor(CustomerSort::Name, &k), None);
        assert_eq!(
            SortValue::from_cursor(CustomerSort::NextFollowUp, &k),
            Some((SortValue::Int(-5), 7))
        );
    }
}
