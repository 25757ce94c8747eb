//! Customers, always read through the viewer's scope.
use super::scope::{owned_by_scope, Access};
use crate::model::{Customer, CustomerStatus, Level};
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::db::Sql;
use sqlx::{Any, AnyConnection, Executor};

#[derive(sqlx::FromRow)]
struct CustomerRow {
    id: i64,
    name: String,
    industry: Option<String>,
    region: Option<String>,
    size: Option<String>,
    source: Option<String>,
    level: String,
    status: String,
    tags: String,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    last_contact_at: Option<i64>,
    next_follow_up_at: Option<i64>,
    health_score: Option<i64>,
    locked: i64,
    reclaim_at: Option<i64>,
    reclaim_reason: Option<String>,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

impl From<CustomerRow> for Customer {
    fn from(r: CustomerRow) -> Self {
        Customer {
            id: r.id,
            name: r.name,
            industry: r.industry,
            region: r.region,
            size: r.size,
            source: r.source,
            level: Level::parse(&r.level).unwrap_or(Level::C),
            status: CustomerStatus::parse(&r.status).unwrap_or(CustomerStatus::Prospect),
            tags: serde_json::from_str(&r.tags).unwrap_or_default(),
            owner_id: r.owner_id,
            owner_name: r.owner_name,
            last_contact_at: opt_from_ms(r.last_contact_at),
            next_follow_up_at: opt_from_ms(r.next_follow_up_at),
            health_score: r.health_score,
            locked: r.locked != 0,
            reclaim_at: opt_from_ms(r.reclaim_at),
            reclaim_reason: r.reclaim_reason,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            version: r.version,
        }
    }
}

const FIELDS: &str = "SELECT c.id, c.name, c.industry, c.region, c.size, c.source, c.level, c.status, c.tags, \
     c.owner_id, o.name AS owner_name, c.last_contact_at, c.next_follow_up_at, c.health_score, c.locked, c.reclaim_at, c.reclaim_reason, \
     c.created_at, c.updated_at, c.version ";
const COLUMNS: &str = "SELECT c.id, c.name, c.industry, c.region, c.size, c.source, c.level, c.status, c.tags, \
     c.owner_id, o.name AS owner_name, c.last_contact_at, c.next_follow_up_at, c.health_score, c.locked, c.reclaim_at, c.reclaim_reason, \
     c.created_at, c.updated_at, c.version FROM customers c LEFT JOIN users o ON o.id = c.owner_id \
     WHERE c.deleted_at IS NULL";

/// One customer if the viewer may see (Read) or change (Write) it.
pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    id: i64,
    access: Access,
) -> Result<Option<Customer>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND c.id = ").bind(id);
    owned_by_scope(&mut sql, viewer, access, "c.owner_id");
    Ok(sql
        .query_as::<CustomerRow>()
        .fetch_optional(ex)
        .await?
        .map(Customer::from))
}

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

/// The key customers are sorted by name on: Chinese characters as toneless pinyin, other
/// letters and digits lower-cased, the rest dropped; so 北京恒远 sorts as "beijinghengyuan",
/// between "Acme" and "Zenith". Characters with several readings take the common one.
pub fn name_key(name: &str) -> String {
    use pinyin::ToPinyin;
    let mut key = String::with_capacity(name.len() * 2);
    for ch in name.chars() {
        if let Some(p) = ch.to_pinyin() {
            key.push_str(p.plain());
        } else if ch.is_alphanumeric() {
            key.extend(ch.to_lowercase());
        }
    }
    key
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
}

/// Sort value for a customer with no follow-up scheduled: after every real one.
pub const NO_FOLLOW_UP: i64 = i64::MAX / 2;

impl CustomerSort {
    pub fn parse(s: &str) -> Option<CustomerSort> {
        match s {
            "" | "newest" => Some(CustomerSort::Newest),
            "next_follow_up" => Some(CustomerSort::NextFollowUp),
            "last_contact" => Some(CustomerSort::LastContact),
            "name" => Some(CustomerSort::Name),
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
        return Ok(sql
            .query_as::<CustomerRow>()
            .fetch_all(conn)
            .await?
            .into_iter()
            .map(Customer::from)
            .collect());
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
            return Ok(sql
                .query_as::<CustomerRow>()
                .fetch_all(conn)
                .await?
                .into_iter()
                .map(Customer::from)
                .collect());
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
    Ok(sql
        .query_as::<CustomerRow>()
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(Customer::from)
        .collect())
}

fn push_filters(sql: &mut Sql, f: &CustomerFilter, t: &str) {
    if let Some(search) = &f.search {
        search.push(sql, &format!("{t}id"));
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

/// Other live customers whose normalised name equals this one, within the viewer's scope.
pub async fn same_name<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    name_norm: &str,
    except: Option<i64>,
) -> Result<Vec<Customer>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND c.name_norm = ").bind(name_norm);
    if let Some(id) = except {
        sql.push(" AND c.id <> ").bind(id);
    }
    owned_by_scope(&mut sql, viewer, Access::Read, "c.owner_id");
    sql.push(" ORDER BY c.id LIMIT 5");
    Ok(sql
        .query_as::<CustomerRow>()
        .fetch_all(ex)
        .await?
        .into_iter()
        .map(Customer::from)
        .collect())
}

/// A validated customer ready to be written.
#[derive(Debug, Clone)]
pub struct CustomerFields {
    pub name: String,
    pub name_norm: String,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub size: Option<String>,
    pub source: Option<String>,
    pub level: Level,
    pub status: CustomerStatus,
    pub tags: Vec<String>,
    pub owner_id: Option<i64>,
    pub next_follow_up_at: Option<i64>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    f: &CustomerFields,
    by: i64,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    let tags = serde_json::to_string(&f.tags).unwrap_or_else(|_| "[]".into());
    let mut sql = Sql::new(
        "INSERT INTO customers (name, name_norm, name_key, industry, region, size, source, level, status, tags, owner_id, \
         claimed_at, pool_entered_at, next_follow_up_at, created_at, updated_at, created_by, updated_by) VALUES (",
    );
    sql.bind(f.name.as_str())
        .push(", ")
        .bind(f.name_norm.as_str())
        .push(", ")
        .bind(name_key(&f.name))
        .push(", ")
        .bind(f.industry.clone())
        .push(", ")
        .bind(f.region.clone())
        .push(", ")
        .bind(f.size.clone())
        .push(", ")
        .bind(f.source.clone())
        .push(", ")
        .bind(f.level.as_str())
        .push(", ")
        .bind(f.status.as_str())
        .push(", ")
        .bind(tags)
        .push(", ")
        .bind(f.owner_id)
        .push(", ")
        .bind(f.owner_id.map(|_| now_ms))
        .push(", ")
        .bind(if f.owner_id.is_none() {
            Some(now_ms)
        } else {
            None
        })
        .push(", ")
        .bind(f.next_follow_up_at)
        .push(", ")
        .bind(now_ms)
        .push(", ")
        .bind(now_ms)
        .push(", ")
        .bind(by)
        .push(", ")
        .bind(by)
        .push(") RETURNING id");
    sql.query_scalar::<i64>().fetch_one(conn).await
}

/// Writes all fields if `version` is current; false when it was stale.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    f: &CustomerFields,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let tags = serde_json::to_string(&f.tags).unwrap_or_else(|_| "[]".into());
    let mut sql = Sql::new("UPDATE customers SET name = ");
    sql.bind(f.name.as_str())
        .push(", name_norm = ")
        .bind(f.name_norm.as_str())
        .push(", name_key = ")
        .bind(name_key(&f.name))
        .push(", industry = ")
        .bind(f.industry.clone())
        .push(", region = ")
        .bind(f.region.clone())
        .push(", size = ")
        .bind(f.size.clone())
        .push(", source = ")
        .bind(f.source.clone())
        .push(", level = ")
        .bind(f.level.as_str())
        .push(", status = ")
        .bind(f.status.as_str())
        .push(", tags = ")
        .bind(tags)
        .push(", next_follow_up_at = ")
        .bind(f.next_follow_up_at)
        .push(", updated_at = ")
        .bind(now_ms)
        .push(", updated_by = ")
        .bind(by)
        .push(", version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND version = ")
        .bind(version)
        .push(" AND deleted_at IS NULL");
    Ok(sql.query().execute(conn).await?.rows_affected() == 1)
}

pub async fn soft_delete(
    conn: &mut AnyConnection,
    id: i64,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE customers SET deleted_at = ");
    sql.bind(now_ms)
        .push(", updated_at = ")
        .bind(now_ms)
        .push(", updated_by = ")
        .bind(by)
        .push(", version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND deleted_at IS NULL");
    Ok(sql.query().execute(conn).await?.rows_affected() == 1)
}

/// Clears a customer's deletion; false when it was not deleted (or does not exist).
pub async fn restore(
    conn: &mut AnyConnection,
    id: i64,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE customers SET deleted_at = NULL, updated_at = ");
    sql.bind(now_ms)
        .push(", updated_by = ")
        .bind(by)
        .push(", version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND deleted_at IS NOT NULL");
    Ok(sql.query().execute(conn).await?.rows_affected() == 1)
}

/// Live customers anywhere in the company with this normalised name, or with a contact with
/// this phone or email: (id, name, owner name, owner id, what matched). For duplicate
/// detection only; the caller decides what the viewer may see of them.
pub async fn duplicates(
    conn: &mut AnyConnection,
    name_norm: &str,
    phone: Option<&str>,
    email: Option<&str>,
) -> Result<Vec<(i64, String, Option<String>, Option<i64>, String)>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT c.id, c.name, o.name, c.owner_id, 'company_name' FROM customers c LEFT JOIN users o ON o.id = c.owner_id \
         WHERE c.deleted_at IS NULL AND c.name_norm = ",
    );
    sql.bind(name_norm);
    for (col, value) in [("phone", phone), ("email", email)] {
        if let Some(v) = value {
            sql.push(&format!(
                " UNION SELECT c.id, c.name, o.name, c.owner_id, '{col}' FROM contacts k JOIN customers c ON c.id = k.customer_id \
                 LEFT JOIN users o ON o.id = c.owner_id WHERE k.deleted_at IS NULL AND c.deleted_at IS NULL AND k.{col} = "
            ))
            .bind(v);
        }
    }
    sql.push(" ORDER BY 1 LIMIT 10");
    sql.query_as().fetch_all(conn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_keys_put_chinese_names_among_latin_ones_by_pinyin() {
        assert_eq!(name_key("北京恒远科技"), "beijinghengyuankeji");
        assert_eq!(name_key("Acme (China) Ltd."), "acmechinaltd");
        let mut names = vec![
            "张江物流",
            "Zenith",
            "阿里云",
            "Baidu",
            "北京恒远",
            "33 Foods",
        ];
        names.sort_by_key(|n| name_key(n));
        assert_eq!(
            names,
            [
                "33 Foods",
                "阿里云",
                "Baidu",
                "北京恒远",
                "Zenith",
                "张江物流"
            ]
        );
    }

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
