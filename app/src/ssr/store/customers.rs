//! Customers, always read through the viewer's scope.
use super::scope::{Access, Owned};
use crate::model::{Customer, CustomerStatus, Level};
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::store::db::{Insert, Sql};
use crate::ssr::store::kpi_rollups::{touch, touch_customer_contracts, touch_if, Touched};
use sqlx::{Any, AnyConnection, Executor};

#[derive(sqlx::FromRow)]
pub(super) struct CustomerRow {
    id: i64,
    name: String,
    industry: Option<String>,
    region: Option<String>,
    size: Option<String>,
    source: Option<String>,
    level: Level,
    status: CustomerStatus,
    tags: String,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    last_contact_at: Option<i64>,
    next_follow_up_at: Option<i64>,
    health_score: Option<i64>,
    health_factors: Option<String>,
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
            level: r.level,
            status: r.status,
            tags: serde_json::from_str(&r.tags).unwrap_or_default(),
            owner_id: r.owner_id,
            owner_name: r.owner_name,
            last_contact_at: opt_from_ms(r.last_contact_at),
            next_follow_up_at: opt_from_ms(r.next_follow_up_at),
            health_score: r.health_score,
            health_factors: r
                .health_factors
                .as_deref()
                .and_then(|f| serde_json::from_str(f).ok())
                .unwrap_or_default(),
            locked: r.locked != 0,
            reclaim_at: opt_from_ms(r.reclaim_at),
            reclaim_reason: r.reclaim_reason,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            version: r.version,
        }
    }
}

pub(super) const FIELDS: &str = "SELECT c.id, c.name, c.industry, c.region, c.size, c.source, c.level, c.status, c.tags, \
     c.owner_id, o.name AS owner_name, c.last_contact_at, c.next_follow_up_at, c.health_score, c.health_factors, c.locked, c.reclaim_at, c.reclaim_reason, \
     c.created_at, c.updated_at, c.version ";
pub(super) const COLUMNS: &str = "SELECT c.id, c.name, c.industry, c.region, c.size, c.source, c.level, c.status, c.tags, \
     c.owner_id, o.name AS owner_name, c.last_contact_at, c.next_follow_up_at, c.health_score, c.health_factors, c.locked, c.reclaim_at, c.reclaim_reason, \
     c.created_at, c.updated_at, c.version FROM customers c LEFT JOIN users o ON o.id = c.owner_id \
     WHERE c.deleted_at IS NULL";

const BY_ID: Owned = Owned {
    select: COLUMNS,
    id: "c.id",
    owner: "c.owner_id",
};

/// One customer if the viewer may see (Read) or change (Write) it.
pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    id: i64,
    access: Access,
) -> Result<Option<Customer>, sqlx::Error> {
    Ok(BY_ID
        .one::<CustomerRow>(ex, viewer, id, access)
        .await?
        .map(Customer::from))
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
    let id = Insert::into("customers")
        .value("name", f.name.as_str())
        .value("name_norm", f.name_norm.as_str())
        .value("name_key", name_key(&f.name))
        .value("industry", f.industry.clone())
        .value("region", f.region.clone())
        .value("size", f.size.clone())
        .value("source", f.source.clone())
        .value("level", f.level.as_str())
        .value("status", f.status.as_str())
        .value(
            "churned_at",
            (f.status == CustomerStatus::Churned).then_some(now_ms),
        )
        .value("tags", tags)
        .value("owner_id", f.owner_id)
        .value("claimed_at", f.owner_id.map(|_| now_ms))
        .value(
            "pool_entered_at",
            if f.owner_id.is_none() {
                Some(now_ms)
            } else {
                None
            },
        )
        .value("next_follow_up_at", f.next_follow_up_at)
        .created(now_ms, by)
        .returning_id(&mut *conn)
        .await?;
    touch(conn, Touched::Customers, &[id]).await?;
    Ok(id)
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
        .bind(f.status.as_str());
    // Marked churned keeps the first moment it was; anything else clears it.
    if f.status == CustomerStatus::Churned {
        sql.push(", churned_at = COALESCE(churned_at, ")
            .bind(now_ms)
            .push(")");
    } else {
        sql.push(", churned_at = NULL");
    }
    sql.push(", tags = ")
        .bind(tags)
        .push(", next_follow_up_at = ")
        .bind(f.next_follow_up_at)
        .stamp(now_ms, Some(by))
        .where_version(id, Some(version))
        .push(" AND deleted_at IS NULL");
    let written = sql.query().execute(&mut *conn).await?.rows_affected() == 1;
    touch_if(conn, written, Touched::Customers, id).await
}

pub async fn soft_delete(
    conn: &mut AnyConnection,
    id: i64,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let written =
        crate::ssr::store::db::soft_delete(&mut *conn, "customers", id, by, now_ms).await?;
    if written {
        touch_customer_contracts(conn, id).await?;
    }
    touch_if(conn, written, Touched::Customers, id).await
}

/// Clears a customer's deletion; false when it was not deleted (or does not exist).
pub async fn restore(
    conn: &mut AnyConnection,
    id: i64,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE customers SET deleted_at = NULL");
    sql.stamp(now_ms, Some(by))
        .where_version(id, None)
        .push(" AND deleted_at IS NOT NULL");
    let written = sql.query().execute(&mut *conn).await?.rows_affected() == 1;
    if written {
        touch_customer_contracts(conn, id).await?;
    }
    touch_if(conn, written, Touched::Customers, id).await
}

/// A customer's clock the alert rules watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerClock {
    NextFollowUp,
    LastContact,
    Reclaim,
}

impl CustomerClock {
    fn column(self) -> &'static str {
        match self {
            CustomerClock::NextFollowUp => "next_follow_up_at",
            CustomerClock::LastContact => "last_contact_at",
            CustomerClock::Reclaim => "reclaim_at",
        }
    }
}

/// Live customers of active owners whose `clock` fell in `(from, to]`; `unlocked_only`
/// leaves out customers locked against reclaim.
pub async fn due_between(
    conn: &mut AnyConnection,
    clock: CustomerClock,
    from: i64,
    to: i64,
    unlocked_only: bool,
) -> Result<Vec<super::due::DueRecord>, sqlx::Error> {
    let column = clock.column();
    let mut sql = Sql::new(&format!(
        "SELECT c.id, c.owner_id, c.name, c.{column} AS at, u.name AS owner_name, CAST(NULL AS TEXT) AS extra \
         FROM customers c JOIN users u ON u.id = c.owner_id \
         WHERE c.deleted_at IS NULL AND u.active = 1 AND c.{column} > "
    ));
    sql.bind(from)
        .push(&format!(" AND c.{column} <= "))
        .bind(to);
    if unlocked_only {
        sql.push(" AND c.locked = 0");
    }
    sql.query_as().fetch_all(conn).await
}

/// A customer's name, whatever its state ("" when there is none).
pub async fn name_of(conn: &mut AnyConnection, id: i64) -> Result<String, sqlx::Error> {
    let mut sql = Sql::new("SELECT name FROM customers WHERE id = ");
    sql.bind(id);
    Ok(sql
        .query_scalar::<String>()
        .fetch_optional(conn)
        .await?
        .unwrap_or_default())
}

/// A customer's name and owner, whatever its state (for alerts about it).
pub async fn name_and_owner(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(String, Option<i64>)>, sqlx::Error> {
    let mut sql = Sql::new("SELECT name, owner_id FROM customers WHERE id = ");
    sql.bind(id);
    sql.query_as::<(String, Option<i64>)>()
        .fetch_optional(conn)
        .await
}

/// Customers written before the name sort existed get their sort key, a batch at a time
/// (each batch its own transaction, so an interrupted run resumes where it stopped).
pub async fn fill_name_keys(db: &crate::ssr::store::db::Db) -> Result<u64, sqlx::Error> {
    let mut filled = 0;
    loop {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM customers WHERE name_key IS NULL LIMIT 2000")
                .fetch_all(&db.write)
                .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        let mut tx = db.write.begin().await?;
        for (id, name) in &rows {
            sqlx::query("UPDATE customers SET name_key = $1 WHERE id = $2")
                .bind(name_key(name))
                .bind(*id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        filled += rows.len() as u64;
    }
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
}
