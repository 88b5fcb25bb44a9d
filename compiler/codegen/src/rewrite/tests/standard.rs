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

// Column lists.

#[test]
fn a_derived_tables_column_list_names_its_items_on_bigquery() {
    each_checked(
        "select c.k, c.n from (select customer_id, count(*) from orders group by customer_id) as c (k, n)",
        "SELECT c.k, c.n FROM (SELECT customer_id AS k, count(*) AS n FROM `acme-prod`.shop.orders GROUP BY customer_id) AS c",
        "SELECT c.k, c.n FROM (SELECT customer_id, count(*) FROM shop.orders GROUP BY customer_id) AS c (k, n)",
        "SELECT c.k, c.n FROM (SELECT customer_id, count(*) FROM hive.shop.orders GROUP BY customer_id) AS c (k, n)",
    );
}

#[test]
fn a_ctes_column_list_names_its_items_on_bigquery() {
    each_checked(
        "with c (k, total) as (select o.customer_id, sum(amount) as s from orders as o group by o.customer_id) select k, total from c",
        "WITH c AS (SELECT o.customer_id AS k, sum(amount) AS total FROM `acme-prod`.shop.orders AS o GROUP BY o.customer_id) SELECT k, total FROM c",
        "WITH c (k, total) AS (SELECT o.customer_id, sum(amount) AS s FROM shop.orders AS o GROUP BY o.customer_id) SELECT k, total FROM c",
        "WITH c (k, total) AS (SELECT o.customer_id, sum(amount) AS s FROM hive.shop.orders AS o GROUP BY o.customer_id) SELECT k, total FROM c",
    );
}

#[test]
fn a_column_list_over_a_set_operation_or_a_recursive_cte() {
    // The leftmost select names a set operation's columns.
    assert_eq!(
        ok(checked(
            "select u.id from (select order_id from orders union all select user_id from users) as u (id)",
            BigQuery
        )),
        "SELECT u.id FROM (SELECT order_id AS id FROM `acme-prod`.shop.orders UNION ALL SELECT user_id FROM `acme-prod`.crm.user AS users) AS u"
    );
    // (The checker does not read a CTE that reads itself yet.)
    assert_eq!(
        ok(portable(
            "with recursive c (n) as (select 1 union all select n + 1 from c where n < 3) select n from c",
            BigQuery
        )),
        "WITH RECURSIVE c AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM c WHERE n < 3) SELECT n FROM c"
    );
}

#[test]
fn a_column_list_that_cannot_be_moved_is_reported_on_bigquery() {
    for (body, construct) in [
        ("select c.id from (select * from users) as c (id, u)", "a column list over `*`"),
        (
            "with c (id) as (select order_id as o from orders order by o limit 3) select id from c",
            "renaming `o` (used by name in its query) with a column list",
        ),
        (
            "select c.k from (select name as n, count(*) as m from orders group by n) as c (k, m)",
            "renaming `n` (used by name in its query) with a column list",
        ),
        (
            "select c.k from (select order_id from orders union select user_id from users order by order_id) as c (k)",
            "renaming `order_id` (used by name in its query) with a column list",
        ),
    ] {
        let r = checked(body, BigQuery);
        assert_eq!(r.constructs(), [construct], "{body}: {}", r.sql);
        assert_ne!(r.errors[0].span, SqlSpan::empty(), "{body}");
        // Read as written elsewhere.
        for d in [Redshift, Trino] {
            ok(checked(body, d));
        }
    }
    // A column keeps its name in its table: renaming its output is fine.
    assert_eq!(
        ok(checked(
            "select c.k from (select customer_id from orders group by customer_id order by customer_id limit 3) as c (k)",
            BigQuery
        )),
        "SELECT c.k FROM (SELECT customer_id AS k FROM `acme-prod`.shop.orders GROUP BY customer_id ORDER BY customer_id NULLS LAST LIMIT 3) AS c"
    );
}

#[test]
fn a_tables_column_list() {
    let body = "select o.a from users as o (a, b)";
    let r = checked(body, BigQuery);
    assert_eq!(r.constructs(), ["a column list after a table's name"]);
    assert_eq!(ok(checked(body, Redshift)), "SELECT o.a FROM crm.\"user\" AS o (a, b)");
    // The names of a list are quoted as any other.
    assert_eq!(
        ok(portable("select o.user from users as o (id, user)", Redshift)),
        "SELECT o.\"user\" FROM crm.\"user\" AS o (id, \"user\")"
    );
}

// `values`.

#[test]
fn values_become_selects_where_they_are_not_a_table() {
    each_checked(
        "select v.k, v.label from (values (1, 'a'), (2, 'b')) as v (k, label)",
        "SELECT v.k, v.label FROM (SELECT 1 AS k, 'a' AS label UNION ALL SELECT 2, 'b') AS v",
        "SELECT v.k, v.label FROM (SELECT 1 AS column1, 'a' AS column2 UNION ALL SELECT 2, 'b') AS v (k, label)",
        "SELECT v.k, v.label FROM (VALUES (1, 'a'), (2, 'b')) AS v (k, label)",
    );
}

#[test]
fn values_in_a_set_operation_keep_their_place() {
    // `intersect` binds tighter than `union`: the rows stay together.
    each(
        "select name from orders intersect values ('a'), ('b')",
        "SELECT name FROM `acme-prod`.shop.orders INTERSECT DISTINCT (SELECT 'a' AS column1 UNION ALL SELECT 'b')",
        "SELECT name FROM shop.orders INTERSECT (SELECT 'a' AS column1 UNION ALL SELECT 'b')",
        "SELECT name FROM hive.shop.orders INTERSECT VALUES ('a'), ('b')",
    );
}
