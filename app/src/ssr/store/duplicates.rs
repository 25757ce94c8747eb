//! Customers that may be the same company, company-wide, by name, phone or email: what
//! the duplicate check reads.
use crate::ssr::store::db::Sql;
use sqlx::AnyConnection;

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
