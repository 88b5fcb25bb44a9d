"""What the differential corpus is allowed to find, each with its reason.

REJECTED: query id -> (kind, reason, the error codes `cjoc check` gives).
  kind "deliberate": the SQL is not portable or is ambiguous, and the
  rejection says what to write instead; kind "not_yet": valid SQL that cjo
  does not accept yet (the issue "Accept the SQL analysts write").

FAILS: (query id, phase) -> (reason, the exact failure text). phase is a
  warehouse (its SQL does not give the original's rows), "types" (the
  manifest's column types) or "original" (DuckDB cannot run the original
  text, so there is nothing to compare with). Each is a bug not fixed yet, or a difference
  that is not cjo's (sqlglot's or DuckDB's), said so.
"""

REJECTED: dict[str, tuple[str, str, list[str]]] = {
    "tpcds_q02_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q08_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`); and `SUBSTRING(ca_zip, 1, 5) ca_zip … GROUP BY ca_zip` groups by the five-digit prefix on BigQuery, by the whole zip on Redshift', ["E0303", "E0310"]),
    "tpcds_q08_sqlglot": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`); and `SUBSTRING(ca_zip, 1, 5) ca_zip … GROUP BY ca_zip` groups by the five-digit prefix on BigQuery, by the whole zip on Redshift', ["E0303", "E0310"]),
    "tpcds_q13_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q13_sqlglot": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q14_sqlglot": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q15_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q16_sqlglot_opt": ("deliberate", "`ARRAY_ANY` is sqlglot's own function, in none of the three warehouses", ["E0302", "E0304"]),
    "tpcds_q30_sqlglot": ("deliberate", "sqlglot's text names `c_last_review_date`; the TPC-DS table has `c_last_review_date_sk`", ["E0302"]),
    "tpcds_q30_sqlglot_opt": ("deliberate", "sqlglot's text names `c_last_review_date`; the TPC-DS table has `c_last_review_date_sk`", ["E0302"]),
    "tpcds_q35_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q38_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q39_sqlglot": ("deliberate", 'two output columns named `w_warehouse_sk`: a table cannot have both', ["E0309"]),
    "tpcds_q39_sqlglot_opt": ("deliberate", 'two output columns named `w_warehouse_sk`: a table cannot have both', ["E0309"]),
    "tpcds_q42_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q45_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q48_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q61_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q61_sqlglot": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q64_sqlglot": ("deliberate", 'two output columns named `s1`: a table cannot have both', ["E0309"]),
    "tpcds_q64_sqlglot_opt": ("deliberate", 'two output columns named `s1`: a table cannot have both', ["E0309"]),
    "tpcds_q70_sqlglot_opt": ("deliberate", 'inside an `order by` expression a name is an input column first, and two joined tables have `s_state`: qualify it', ["E0303"]),
    "tpcds_q79_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q85_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q87_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpcds_q94_sqlglot_opt": ("deliberate", "`ARRAY_ANY` is sqlglot's own function, in none of the three warehouses", ["E0302", "E0304"]),
    "tpcds_q96_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpch_q03_sqlglot": ("deliberate", '`CAST(o_orderdate AS STRING) AS o_orderdate … GROUP BY o_orderdate`: BigQuery groups by the output column, Redshift by the input column (the same groups here only because the cast loses nothing); write the expression or qualify the column', ["E0303"]),
    "tpch_q18_duckdb": ("deliberate", 'an output column without a name: each warehouse invents another (`f0_`, `_col0`, `?column?`)', ["E0310"]),
    "tpch_q21_sqlglot_opt": ("deliberate", "`ARRAY_ANY` is sqlglot's own function, in none of the three warehouses", ["E0302", "E0304"]),
}

FAILS: dict[tuple[str, str], tuple[str, str]] = {
    ("tpcds_q90_sqlglot", "redshift"): (
        "q90 divides by zero on this data (no web sales in its evening hours at scale 0.1): BigQuery, Redshift and Trino all raise an error; DuckDB gives NaN, which the Redshift SQL's cast to DECIMAL(38, 9) refuses, and which the other two carry through as the original does",
        'DuckDB: Conversion Error: Could not cast value -nan to DECIMAL(38,9)',
    ),
    ("tpcds_q90_sqlglot_opt", "redshift"): (
        "q90 divides by zero on this data (no web sales in its evening hours at scale 0.1): BigQuery, Redshift and Trino all raise an error; DuckDB gives NaN, which the Redshift SQL's cast to DECIMAL(38, 9) refuses, and which the other two carry through as the original does",
        'DuckDB: Conversion Error: Could not cast value -nan to DECIMAL(38,9)',
    ),
    ("tpcds_q58_sqlglot", "original"): (
        "DuckDB reads the bare `order by` name as ambiguous between two input columns; the standard, BigQuery, Redshift and Trino read it as the output column of that name (as cjo does). The same query's sqlglot_opt text, qualified by sqlglot, runs on DuckDB and is compared instead",
        'DuckDB cannot run the original text: Binder Error: Ambiguous reference to column name "item_id" (use: "ss_items.item_id" or "cs_items.item_id")',
    ),
    ("tpcds_q72_sqlglot", "original"): (
        "DuckDB reads the bare `order by` name as ambiguous between two input columns; the standard, BigQuery, Redshift and Trino read it as the output column of that name (as cjo does). The same query's sqlglot_opt text, qualified by sqlglot, runs on DuckDB and is compared instead",
        'DuckDB cannot run the original text: Binder Error: Ambiguous reference to column name "d_week_seq" (use: "d1.d_week_seq" or "d2.d_week_seq")',
    ),
}
