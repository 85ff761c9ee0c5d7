#!/bin/sh
# Creates or upgrades Temporal's two PostgreSQL databases (temporal, temporal_visibility) with the
# official temporal-sql-tool of the temporalio/admin-tools image. Every step is idempotent: an
# existing database is kept, setup-schema only adds the version tables, and update-schema applies
# just the versions the database does not have yet, so this runs on every `docker compose up`.
# Environment: POSTGRES_SEEDS (host), POSTGRES_USER, SQL_PASSWORD, DB_PORT (default 5432).
set -eu

: "${POSTGRES_SEEDS:?set POSTGRES_SEEDS to the PostgreSQL host}"
: "${POSTGRES_USER:?set POSTGRES_USER}"
: "${SQL_PASSWORD:?set SQL_PASSWORD (temporal-sql-tool reads the password from it)}"
port=${DB_PORT:-5432}
schema_root=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --endpoint "$POSTGRES_SEEDS" --port "$port" --user "$POSTGRES_USER" "$@"
}

prepare_database() {
  database=$1
  versioned_schema=$2
  echo "database $database: create, set up, update"
  sql_tool --database "$database" create
  sql_tool --database "$database" setup-schema -v 0.0
  sql_tool --database "$database" update-schema -d "$schema_root/$versioned_schema/versioned"
}

prepare_database temporal temporal
prepare_database temporal_visibility visibility
echo "Temporal schema is up to date"
