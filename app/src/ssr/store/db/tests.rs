//! The statement builder's tests: placeholders, lists, inserts and stamps.
use super::*;

#[test]
fn placeholders_are_numbered_in_order() {
    let mut sql = Sql::new("SELECT 1 FROM t WHERE a = ");
    sql.bind(1i64)
        .push(" AND b = ")
        .bind("x")
        .push(" AND c = ")
        .bind(Option::<i64>::None);
    assert_eq!(
        sql.text(),
        "SELECT 1 FROM t WHERE a = $1 AND b = $2 AND c = $3"
    );
    assert_eq!(sql.args.len(), 3);
}

#[test]
fn a_list_bound_again_names_the_same_placeholders() {
    let mut sql = Sql::new("SELECT 1 FROM t WHERE a IN (");
    sql.bind_list([4i64, 5])
        .push(") AND b = ")
        .bind(9i64)
        .push(" UNION ALL SELECT 1 FROM t WHERE a IN (")
        .bind_list([4i64, 5])
        .push(") AND c IN (")
        .bind_list([4i64, 6])
        .push(")");
    assert_eq!(
        sql.text(),
        "SELECT 1 FROM t WHERE a IN ($1, $2) AND b = $3 \
         UNION ALL SELECT 1 FROM t WHERE a IN ($1, $2) AND c IN ($4, $5)"
    );
    assert_eq!(
        sql.args,
        [4i64, 5, 9, 4, 6].map(Arg::from).to_vec(),
        "each value once, in the order of the placeholders"
    );
}

#[test]
fn an_insert_names_each_column_beside_its_value() {
    let sql = Insert::into("t")
        .value("a", 1_i64)
        .value("b", "x")
        .created(5, Some(7))
        .sql();
    assert_eq!(
        sql.text,
        "INSERT INTO t (a, b, created_at, updated_at, created_by, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6)"
    );
    assert_eq!(sql.args.len(), 6);
}

#[test]
fn a_versioned_write_ends_with_its_stamp_and_the_version_it_read() {
    let mut sql = Sql::new("UPDATE t SET a = ");
    sql.bind(1_i64)
        .stamp(1000, Some(7))
        .where_version(42, Some(3));
    assert_eq!(
        sql.text,
        "UPDATE t SET a = $1, updated_at = $2, updated_by = $3, version = version + 1 \
         WHERE id = $4 AND version = $5"
    );
    let mut sql = Sql::new("UPDATE t SET a = 1");
    sql.stamp(1000, None).where_version(42, None);
    assert_eq!(
        sql.text,
        "UPDATE t SET a = 1, updated_at = $1, version = version + 1 WHERE id = $2"
    );
}
