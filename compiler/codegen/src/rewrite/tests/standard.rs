//! Standard SQL that one warehouse or another does not read as written:
//! set operations, column lists, the special forms of `substring`, `trim`,
//! `position` and `extract`, row limits, `values`.

use super::*;

// Set operations.

#[test]
fn a_set_operation_gets_the_quantifier_each_warehouse_reads() {
    each(
        "select order_id from orders union select user_id from users",
        "SELECT order_id FROM `acme-prod`.shop.orders UNION DISTINCT SELECT user_id FROM `acme-prod`.crm.user AS users",
        "SELECT order_id FROM shop.orders UNION SELECT user_id FROM crm.\"user\" AS users",
        "SELECT order_id FROM hive.shop.orders UNION SELECT user_id FROM hive.crm.user AS users",
    );
    each(
        "select order_id from orders intersect distinct select user_id from users except select name from orders",
        "SELECT order_id FROM `acme-prod`.shop.orders INTERSECT DISTINCT SELECT user_id FROM `acme-prod`.crm.user AS users EXCEPT DISTINCT SELECT name FROM `acme-prod`.shop.orders",
        "SELECT order_id FROM shop.orders INTERSECT SELECT user_id FROM crm.\"user\" AS users EXCEPT SELECT name FROM shop.orders",
        "SELECT order_id FROM hive.shop.orders INTERSECT DISTINCT SELECT user_id FROM hive.crm.user AS users EXCEPT SELECT name FROM hive.shop.orders",
    );
    // `all` is read everywhere after `union`; `minus` is `except`.
    each(
        "select order_id from orders union all select user_id from users minus select name from orders",
        "SELECT order_id FROM `acme-prod`.shop.orders UNION ALL SELECT user_id FROM `acme-prod`.crm.user AS users EXCEPT DISTINCT SELECT name FROM `acme-prod`.shop.orders",
        "SELECT order_id FROM shop.orders UNION ALL SELECT user_id FROM crm.\"user\" AS users EXCEPT SELECT name FROM shop.orders",
        "SELECT order_id FROM hive.shop.orders UNION ALL SELECT user_id FROM hive.crm.user AS users EXCEPT SELECT name FROM hive.shop.orders",
    );
}

#[test]
fn a_set_operation_in_a_subquery_or_a_cte() {
    assert_eq!(
        ok(portable(
            "with ids as (select order_id as id from orders union select user_id from users) select id from ids where id in (select name from orders intersect select user from users)",
            BigQuery
        )),
        "WITH ids AS (SELECT order_id AS id FROM `acme-prod`.shop.orders UNION DISTINCT SELECT user_id FROM `acme-prod`.crm.user AS users) SELECT id FROM ids WHERE id IN (SELECT name FROM `acme-prod`.shop.orders INTERSECT DISTINCT SELECT user FROM `acme-prod`.crm.user AS users)"
    );
}

#[test]
fn intersect_all_and_except_all_are_reported_where_missing() {
    for (sql, construct, end) in [
        ("select order_id from orders intersect all select user_id from users", "`intersect all`", 43),
        ("select order_id from orders except all select user_id from users", "`except all`", 40),
    ] {
        for d in [BigQuery, Redshift] {
            let r = portable(sql, d);
            assert_eq!(r.constructs(), [construct], "{d}: {sql}");
            assert!(r.errors[0].help.contains("row_number()"), "{:?}", r.errors[0]);
            // At the operator: from the end of the left side to the start
            // of the right one (the lowering trims the blanks).
            assert_eq!((r.errors[0].span.start, r.errors[0].span.end), (Location::new(1, 28), Location::new(1, end)));
        }
        assert!(ok(portable(sql, Trino)).contains(" ALL SELECT"), "{sql}");
    }
}

#[test]
fn by_name_is_reported_everywhere() {
    for d in Dialect::ALL {
        let r = portable("select order_id from orders union all by name select user_id from users", d);
        assert_eq!(r.constructs(), ["`union by name`"], "{d}");
    }
}

#[test]
fn a_native_body_keeps_its_set_operations() {
    assert_eq!(
        ok(native("select order_id from orders union select user_id from users", Trino)),
        "SELECT order_id FROM hive.shop.orders UNION SELECT user_id FROM hive.crm.user AS users"
    );
}
