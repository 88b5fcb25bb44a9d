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
            assert!(r.errors[0].help().contains("row_number()"), "{:?}", r.errors[0]);
            // At the operator: from the end of the left side to the start
            // of the right one (the lowering trims the blanks).
            assert_eq!(
                (r.errors[0].span().start, r.errors[0].span().end),
                (Location::new(1, 28), Location::new(1, end))
            );
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
        assert_ne!(r.errors[0].span(), SqlSpan::empty(), "{body}");
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
        "SELECT c.k FROM (SELECT customer_id AS k FROM `acme-prod`.shop.orders GROUP BY customer_id ORDER BY customer_id LIMIT 3) AS c"
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

// Special forms.

#[test]
fn substring_per_dialect() {
    each_checked(
        "select substring(name from 2 for 3) as a, substring(name from 2) as b, substring(name for 3) as c from orders",
        "SELECT SUBSTR(name, 2, 3) AS a, SUBSTR(name, 2) AS b, SUBSTR(name, 1, 3) AS c FROM `acme-prod`.shop.orders",
        "SELECT SUBSTRING(name FROM 2 FOR 3) AS a, SUBSTRING(name FROM 2) AS b, SUBSTRING(name FROM 1 FOR 3) AS c FROM shop.orders",
        "SELECT SUBSTRING(name FROM 2 FOR 3) AS a, SUBSTRING(name FROM 2) AS b, SUBSTRING(name FROM 1 FOR 3) AS c FROM hive.shop.orders",
    );
    // The comma form: Redshift documents it for three arguments only.
    each_checked(
        "select substring(name, 2, 3) as a, substring(name, 2) as b from orders",
        "SELECT SUBSTRING(name, 2, 3) AS a, SUBSTRING(name, 2) AS b FROM `acme-prod`.shop.orders",
        "SELECT SUBSTRING(name FROM 2 FOR 3) AS a, SUBSTRING(name FROM 2) AS b FROM shop.orders",
        "SELECT SUBSTRING(name, 2, 3) AS a, SUBSTRING(name, 2) AS b FROM hive.shop.orders",
    );
}

#[test]
fn position_and_trim_per_dialect() {
    each_checked(
        "select position('-' in name) as p from orders",
        "SELECT STRPOS(name, '-') AS p FROM `acme-prod`.shop.orders",
        "SELECT POSITION('-' IN name) AS p FROM shop.orders",
        "SELECT POSITION('-' IN name) AS p FROM hive.shop.orders",
    );
    each_checked(
        "select trim(leading '0' from name) as a, trim(trailing 'x' from name) as b, trim(both 'x' from name) as c, trim('x' from name) as d, trim(name) as e from orders",
        "SELECT LTRIM(name, '0') AS a, RTRIM(name, 'x') AS b, TRIM(name, 'x') AS c, TRIM(name, 'x') AS d, TRIM(name) AS e FROM `acme-prod`.shop.orders",
        "SELECT TRIM(LEADING '0' FROM name) AS a, TRIM(TRAILING 'x' FROM name) AS b, TRIM(BOTH 'x' FROM name) AS c, TRIM('x' FROM name) AS d, TRIM(name) AS e FROM shop.orders",
        "SELECT TRIM(LEADING '0' FROM name) AS a, TRIM(TRAILING 'x' FROM name) AS b, TRIM(BOTH 'x' FROM name) AS c, TRIM('x' FROM name) AS d, TRIM(name) AS e FROM hive.shop.orders",
    );
    each(
        "select trim(name, 'xy') as t from orders",
        "SELECT TRIM(name, 'xy') AS t FROM `acme-prod`.shop.orders",
        "SELECT TRIM(BOTH 'xy' FROM name) AS t FROM shop.orders",
        "SELECT TRIM(name, 'xy') AS t FROM hive.shop.orders",
    );
}

#[test]
fn extract_fields_per_dialect() {
    each_checked(
        "select extract(year from ordered_at) as y, extract(quarter from order_date) as q, extract(month from ordered_at) as m, extract(day from ordered_at) as d, extract(hour from ordered_at) as h, extract(minute from ordered_at) as mi, extract(second from ordered_at) as s from orders",
        "SELECT EXTRACT(YEAR FROM ordered_at) AS y, EXTRACT(QUARTER FROM order_date) AS q, EXTRACT(MONTH FROM ordered_at) AS m, EXTRACT(DAY FROM ordered_at) AS d, EXTRACT(HOUR FROM ordered_at) AS h, EXTRACT(MINUTE FROM ordered_at) AS mi, EXTRACT(SECOND FROM ordered_at) AS s FROM `acme-prod`.shop.orders",
        "SELECT EXTRACT(YEAR FROM ordered_at) AS y, EXTRACT(QUARTER FROM order_date) AS q, EXTRACT(MONTH FROM ordered_at) AS m, EXTRACT(DAY FROM ordered_at) AS d, EXTRACT(HOUR FROM ordered_at) AS h, EXTRACT(MINUTE FROM ordered_at) AS mi, EXTRACT(SECOND FROM ordered_at) AS s FROM shop.orders",
        "SELECT EXTRACT(YEAR FROM ordered_at) AS y, EXTRACT(QUARTER FROM order_date) AS q, EXTRACT(MONTH FROM ordered_at) AS m, EXTRACT(DAY FROM ordered_at) AS d, EXTRACT(HOUR FROM ordered_at) AS h, EXTRACT(MINUTE FROM ordered_at) AS mi, EXTRACT(SECOND FROM ordered_at) AS s FROM hive.shop.orders",
    );
    // The same week (ISO), day of the year and day of the week everywhere.
    each_checked(
        "select extract(week from order_date) as w, extract(doy from order_date) as doy, extract(dow from order_date) as dow, extract(isodow from order_date) as isodow from orders",
        "SELECT EXTRACT(ISOWEEK FROM order_date) AS w, EXTRACT(DAYOFYEAR FROM order_date) AS doy, (EXTRACT(DAYOFWEEK FROM order_date) - 1) AS dow, (MOD(EXTRACT(DAYOFWEEK FROM order_date) + 5, 7) + 1) AS isodow FROM `acme-prod`.shop.orders",
        "SELECT EXTRACT(WEEK FROM order_date) AS w, EXTRACT(DOY FROM order_date) AS doy, EXTRACT(DOW FROM order_date) AS dow, (MOD(EXTRACT(DOW FROM order_date) + 6, 7) + 1) AS isodow FROM shop.orders",
        "SELECT EXTRACT(WEEK FROM order_date) AS w, EXTRACT(DOY FROM order_date) AS doy, MOD(EXTRACT(DOW FROM order_date), 7) AS dow, EXTRACT(DOW FROM order_date) AS isodow FROM hive.shop.orders",
    );
}

#[test]
fn extract_fields_that_are_not_portable_are_reported() {
    let r = checked("select extract(epoch from ordered_at) as e from orders", Redshift);
    assert_eq!(ok(r), "SELECT EXTRACT(EPOCH FROM ordered_at) AS e FROM shop.orders");
    for d in [BigQuery, Trino] {
        let r = checked("select extract(epoch from ordered_at) as e from orders", d);
        assert_eq!(r.constructs(), ["`extract(epoch from …)`"], "{d}");
        assert!(r.errors[0].help().contains("seconds_between"), "{:?}", r.errors[0]);
        assert_eq!((r.errors[0].span().start, r.errors[0].span().end), (Location::new(2, 27), Location::new(2, 37)));
    }
    for d in Dialect::ALL {
        let r = checked(
            "select extract(dayofweek from order_date) as a, extract(millisecond from ordered_at) as b from orders",
            d,
        );
        assert_eq!(r.constructs(), ["`extract(dayofweek from …)`", "`extract(millisecond from …)`"], "{d}");
    }
}

#[test]
fn is_distinct_from_on_redshift() {
    each_checked(
        "select name is distinct from order_id as a, name is not distinct from order_id as b from orders",
        "SELECT name IS DISTINCT FROM order_id AS a, name IS NOT DISTINCT FROM order_id AS b FROM `acme-prod`.shop.orders",
        "SELECT CASE WHEN name = order_id OR (name IS NULL AND order_id IS NULL) THEN FALSE ELSE TRUE END AS a, CASE WHEN name = order_id OR (name IS NULL AND order_id IS NULL) THEN TRUE ELSE FALSE END AS b FROM shop.orders",
        "SELECT name IS DISTINCT FROM order_id AS a, name IS NOT DISTINCT FROM order_id AS b FROM hive.shop.orders",
    );
    // Operands keep their brackets.
    assert_eq!(
        ok(checked("select order_id from orders where qty + 1 is distinct from amount", Redshift)),
        "SELECT order_id FROM shop.orders WHERE CASE WHEN (qty + 1) = amount OR ((qty + 1) IS NULL AND amount IS NULL) THEN FALSE ELSE TRUE END"
    );
}

#[test]
fn is_true_and_is_false_on_trino() {
    each_checked(
        "select qty > 0 is true as a, qty > 0 is not true as b, qty > 0 is false as c, qty > 0 is not false as d from orders",
        "SELECT qty > 0 IS TRUE AS a, qty > 0 IS NOT TRUE AS b, qty > 0 IS FALSE AS c, qty > 0 IS NOT FALSE AS d FROM `acme-prod`.shop.orders",
        "SELECT qty > 0 IS TRUE AS a, qty > 0 IS NOT TRUE AS b, qty > 0 IS FALSE AS c, qty > 0 IS NOT FALSE AS d FROM shop.orders",
        "SELECT ((qty > 0) IS NOT DISTINCT FROM TRUE) AS a, ((qty > 0) IS DISTINCT FROM TRUE) AS b, ((qty > 0) IS NOT DISTINCT FROM FALSE) AS c, ((qty > 0) IS DISTINCT FROM FALSE) AS d FROM hive.shop.orders",
    );
}

// Row limits.

#[test]
fn limit_and_offset_per_dialect() {
    each(
        "select order_id from orders order by order_id limit 10",
        "SELECT order_id FROM `acme-prod`.shop.orders ORDER BY order_id NULLS LAST LIMIT 10",
        "SELECT order_id FROM shop.orders ORDER BY order_id LIMIT 10",
        "SELECT order_id FROM hive.shop.orders ORDER BY order_id LIMIT 10",
    );
    // Trino reads the offset first.
    each(
        "select order_id from orders order by order_id limit 10 offset 20",
        "SELECT order_id FROM `acme-prod`.shop.orders ORDER BY order_id NULLS LAST LIMIT 10 OFFSET 20",
        "SELECT order_id FROM shop.orders ORDER BY order_id LIMIT 10 OFFSET 20",
        "SELECT order_id FROM hive.shop.orders ORDER BY order_id OFFSET 20 FETCH FIRST 10 ROWS ONLY",
    );
    // BigQuery has no offset without a limit.
    each(
        "select order_id from orders order by order_id offset 20 rows",
        "SELECT order_id FROM `acme-prod`.shop.orders ORDER BY order_id NULLS LAST LIMIT 9223372036854775807 OFFSET 20",
        "SELECT order_id FROM shop.orders ORDER BY order_id OFFSET 20",
        "SELECT order_id FROM hive.shop.orders ORDER BY order_id OFFSET 20",
    );
    // MySQL's `limit offset, count`.
    each(
        "select order_id from orders order by order_id limit 20, 10",
        "SELECT order_id FROM `acme-prod`.shop.orders ORDER BY order_id NULLS LAST LIMIT 10 OFFSET 20",
        "SELECT order_id FROM shop.orders ORDER BY order_id LIMIT 10 OFFSET 20",
        "SELECT order_id FROM hive.shop.orders ORDER BY order_id OFFSET 20 FETCH FIRST 10 ROWS ONLY",
    );
}

#[test]
fn fetch_first_per_dialect() {
    each(
        "select order_id from orders order by order_id offset 5 rows fetch first 10 rows only",
        "SELECT order_id FROM `acme-prod`.shop.orders ORDER BY order_id NULLS LAST LIMIT 10 OFFSET 5",
        "SELECT order_id FROM shop.orders ORDER BY order_id LIMIT 10 OFFSET 5",
        "SELECT order_id FROM hive.shop.orders ORDER BY order_id OFFSET 5 FETCH FIRST 10 ROWS ONLY",
    );
    each(
        "select order_id from orders order by order_id fetch first row only",
        "SELECT order_id FROM `acme-prod`.shop.orders ORDER BY order_id NULLS LAST LIMIT 1",
        "SELECT order_id FROM shop.orders ORDER BY order_id LIMIT 1",
        "SELECT order_id FROM hive.shop.orders ORDER BY order_id LIMIT 1",
    );
    // `with ties` is Trino's; `percent` no one's.
    let ties = "select order_id from orders order by amount fetch first 3 rows with ties";
    assert_eq!(
        ok(portable(ties, Trino)),
        "SELECT order_id FROM hive.shop.orders ORDER BY amount FETCH FIRST 3 ROWS WITH TIES"
    );
    for d in [BigQuery, Redshift] {
        assert_eq!(portable(ties, d).constructs(), ["`fetch first … with ties`"], "{d}");
    }
    for d in Dialect::ALL {
        let r = portable("select order_id from orders fetch first 10 percent rows only", d);
        assert_eq!(r.constructs(), ["`fetch first … percent`"], "{d}");
    }
}

#[test]
fn a_limit_with_a_parameter_and_in_a_subquery() {
    assert_eq!(
        ok(portable(
            "select t.order_id from (select order_id from orders order by order_id limit $min_amount offset 1) as t",
            Trino
        )),
        "SELECT t.order_id FROM (SELECT order_id FROM hive.shop.orders ORDER BY order_id OFFSET 1 FETCH FIRST 100 ROWS ONLY) AS t"
    );
}

// Joins.

#[test]
fn joins_a_warehouse_lacks_are_reported() {
    let natural = "select order_id from orders natural join daily";
    for d in [BigQuery, Trino] {
        let r = checked(natural, d);
        assert_eq!(r.constructs(), ["a `natural` join"], "{d}");
        assert_eq!((r.errors[0].span().start, r.errors[0].span().end), (Location::new(2, 42), Location::new(2, 47)));
    }
    assert_eq!(ok(checked(natural, Redshift)), "SELECT order_id FROM shop.orders NATURAL JOIN analytics.daily");
    for d in Dialect::ALL {
        let r = portable(
            "select o.order_id from orders as o left semi join daily as d on d.order_date = o.order_date anti join users as u on u.user_id = o.customer_id",
            d,
        );
        assert_eq!(r.constructs(), ["a semi join", "an anti join"], "{d}");
        let r = portable("select o.order_id from orders as o join (daily as d natural join users as u) on true", d);
        assert_eq!(r.constructs().len(), usize::from(d != Redshift), "{d}");
    }
}
