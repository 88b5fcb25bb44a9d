//! Scheduler output: one Airflow DAG file and one Digdag workflow per
//! pipeline (issue 6).
