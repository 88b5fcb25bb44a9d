#!/usr/bin/env bash
# Makes (or reuses) a virtualenv with real Airflow and the providers cjo's
# DAG files import, in the cache folder outside the clone:
#   tests/airflow/env.sh 3.3.2   ->  prints the venv's python
# The first install takes minutes (about 1.7 GB); later runs reuse it. A
# marker file is written only after a complete install, so an interrupted
# install is redone rather than half-used.
set -euo pipefail
version="${1:?usage: env.sh AIRFLOW_VERSION}"
cache="${CJO_CACHE:-$HOME/.cache/cjo}"
venv="$cache/airflow-$version"
if [ ! -f "$venv/.cjo-complete" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip >&2
  # The providers of the operators cjo emits: BigQuery, Redshift (Amazon),
  # Trino, and the common SQL operators and standard sensors.
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "apache-airflow==$version" \
    apache-airflow-providers-google \
    apache-airflow-providers-amazon \
    apache-airflow-providers-trino \
    apache-airflow-providers-common-sql \
    $(case "$version" in 2.*) ;; *) echo apache-airflow-providers-standard ;; esac) >&2
  touch "$venv/.cjo-complete"
fi
echo "$venv/bin/python"
