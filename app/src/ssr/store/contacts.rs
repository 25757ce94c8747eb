//! Contacts, visible exactly when their customer is.
use super::scope::{owned_by_scope, Access, Owned};
use crate::model::Contact;
use crate::ssr::auth::Viewer;
use crate::ssr::clock::from_ms;
use crate::ssr::store::db::{Insert, Sql};
use crate::ssr::store::kpi_rollups::{self as kpi_rollups, Touched};
use sqlx::{Any, AnyConnection, Executor};

#[derive(sqlx::FromRow)]
struct ContactRow {
    id: i64,
    customer_id: i64,
    name: String,
    title: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    wechat: Option<String>,
    decision_maker: i64,
    consent: i64,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

impl From<ContactRow> for Contact {
    fn from(r: ContactRow) -> Self {
        Contact {
            id: r.id,
            customer_id: r.customer_id,
            name: r.name,
            title: r.title,
            phone: r.phone,
            email: r.email,
            wechat: r.wechat,
            decision_maker: r.decision_maker != 0,
            consent: r.consent != 0,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            version: r.version,
        }
    }
}

const COLUMNS: &str = "SELECT k.id, k.customer_id, k.name, k.title, k.phone, k.email, k.wechat, k.decision_maker, \
     k.consent, k.created_at, k.updated_at, k.version FROM contacts k JOIN customers c ON c.id = k.customer_id \
     WHERE k.deleted_at IS NULL AND c.deleted_at IS NULL";

const BY_ID: Owned = Owned {
    select: COLUMNS,
    id: "k.id",
    owner: "c.owner_id",
};

pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    id: i64,
    access: Access,
) -> Result<Option<Contact>, sqlx::Error> {
    Ok(BY_ID
        .one::<ContactRow>(ex, viewer, id, access)
        .await?
        .map(Contact::from))
}

#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    pub customer_id: Option<i64>,
    pub q: Option<String>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

pub async fn list<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    f: &ContactFilter,
) -> Result<Vec<Contact>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    owned_by_scope(&mut sql, viewer, Access::Read, "c.owner_id");
    if let Some(customer) = f.customer_id {
        sql.push(" AND k.customer_id = ").bind(customer);
    }
    if let Some(q) = &f.q {
        let p = super::like_pattern(q);
        sql.push(" AND (LOWER(k.name) LIKE ")
            .bind(p.clone())
            .push(" ESCAPE '\\' OR k.email LIKE ")
            .bind(p.clone())
            .push(" ESCAPE '\\' OR k.phone LIKE ")
            .bind(p)
            .push(" ESCAPE '\\')");
    }
    if let Some(before) = f.before_id {
        sql.push(" AND k.id < ").bind(before);
    }
    sql.push(" ORDER BY k.id DESC LIMIT ").bind(f.limit + 1);
    sql.all::<ContactRow, _>(ex, Contact::from).await
}

#[derive(Debug, Clone)]
pub struct ContactFields {
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub wechat: Option<String>,
    pub decision_maker: bool,
    pub consent: bool,
}

pub async fn insert(
    conn: &mut AnyConnection,
    customer_id: i64,
    f: &ContactFields,
    by: i64,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    let id = Insert::into("contacts")
        .value("customer_id", customer_id)
        .value("name", f.name.as_str())
        .value("title", f.title.clone())
        .value("phone", f.phone.clone())
        .value("email", f.email.clone())
        .value("wechat", f.wechat.clone())
        .value("decision_maker", f.decision_maker)
        .value("consent", f.consent)
        .created(now_ms, by)
        .returning_id(&mut *conn)
        .await?;
    kpi_rollups::touch(conn, Touched::Customers, &[customer_id]).await?;
    Ok(id)
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    f: &ContactFields,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE contacts SET name = ");
    sql.bind(f.name.as_str())
        .push(", title = ")
        .bind(f.title.clone())
        .push(", phone = ")
        .bind(f.phone.clone())
        .push(", email = ")
        .bind(f.email.clone())
        .push(", wechat = ")
        .bind(f.wechat.clone())
        .push(", decision_maker = ")
        .bind(f.decision_maker)
        .push(", consent = ")
        .bind(f.consent)
        .stamp(now_ms, Some(by))
        .where_version(id, Some(version))
        .push(" AND deleted_at IS NULL");
    let written = sql.query().execute(&mut *conn).await?.rows_affected() == 1;
    touch_customer_of(conn, written, id).await
}

/// A contact's phone and email count for its customer's data completeness.
async fn touch_customer_of(
    conn: &mut AnyConnection,
    written: bool,
    contact: i64,
) -> Result<bool, sqlx::Error> {
    if written {
        let customer: i64 = sqlx::query_scalar("SELECT customer_id FROM contacts WHERE id = $1")
            .bind(contact)
            .fetch_one(&mut *conn)
            .await?;
        kpi_rollups::touch(conn, Touched::Customers, &[customer]).await?;
    }
    Ok(written)
}

pub async fn soft_delete(
    conn: &mut AnyConnection,
    id: i64,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let written =
        crate::ssr::store::db::soft_delete(&mut *conn, "contacts", id, by, now_ms).await?;
    touch_customer_of(conn, written, id).await
}

/// Live contacts in the viewer's scope with this phone or email (duplicate detection).
pub async fn same_phone_or_email<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    phone: Option<&str>,
    email: Option<&str>,
    except: Option<i64>,
) -> Result<Vec<Contact>, sqlx::Error> {
    if phone.is_none() && email.is_none() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND (k.phone = ")
        .bind(phone)
        .push(" OR k.email = ")
        .bind(email)
        .push(")");
    if let Some(id) = except {
        sql.push(" AND k.id <> ").bind(id);
    }
    owned_by_scope(&mut sql, viewer, Access::Read, "c.owner_id");
    sql.push(" ORDER BY k.id LIMIT 5");
    sql.all::<ContactRow, _>(ex, Contact::from).await
}
