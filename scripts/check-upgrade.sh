#!/usr/bin/env bash
# An existing database migrates forward without loss: build the demo database with an
# earlier commit's code (default: the last commit before the architecture redesign of
# issue 15), then migrate it with this checkout's code and compare every table's row count,
# the audit chains and the migration state.
#
#   scripts/check-upgrade.sh                      # SQLite in var/upgrade/
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ikc_upgrade scripts/check-upgrade.sh
#   scripts/check-upgrade.sh <commit>             # from another starting point
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BASE="${1:-5a468bd}"
PY="$ROOT/.venv/bin/python"
WORK="$ROOT/var/upgrade"
rm -rf "$WORK"
mkdir -p "$WORK"
git worktree prune
if ! git cat-file -e "$BASE^{commit}" 2>/dev/null; then
  # A shallow clone may not hold the starting point: fetch the history first.
  git fetch -q --unshallow 2>/dev/null || git fetch -q origin 2>/dev/null || true
fi
if ! git cat-file -e "$BASE^{commit}" 2>/dev/null; then
  echo "check-upgrade: commit $BASE is not in this clone (and could not be fetched); nothing to compare" >&2
  exit 1
fi
git worktree add --detach "$WORK/base" "$BASE" >/dev/null

export DEBUG=1 IKC_VAR_DIR="$WORK/var" PRIVATE_MEDIA_ROOT="$WORK/var/private" CELERY_TASK_ALWAYS_EAGER=1
unset PYTEST_VERSION
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
else
  name="${DATABASE_URL##*/}" server="${DATABASE_URL%/*}"
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
  psql "$server/postgres" -qc "CREATE DATABASE \"$name\"" >/dev/null
fi
mkdir -p "$IKC_VAR_DIR"

counts() {  # every table's row count, as JSON, with the code of the current directory
  "$PY" - <<'PY'
import json, os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikc_share.settings")
django.setup()
from django.apps import apps
from django.db import connection
with connection.cursor() as cursor:
    tables = sorted(connection.introspection.table_names(cursor))
    result = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        result[table] = cursor.fetchone()[0]
# What the ORM sees through each model (its app may have changed, its table not).
orm = {model._meta.db_table: model._base_manager.count() for model in apps.get_models()}
print(json.dumps({"tables": result, "orm": orm}))
PY
}

echo "== $BASE: migrate and load the demo data ($DATABASE_URL)"
(cd "$WORK/base" && "$PY" manage.py compile_translations >/dev/null && "$PY" manage.py migrate --noinput -v0 \
  && "$PY" manage.py seed_demo >/dev/null && counts >"$WORK/before.json")

echo "== $(git rev-parse --short HEAD): migrate forward"
"$PY" manage.py migrate --noinput
counts >"$WORK/after.json"
"$PY" manage.py makemigrations --check --dry-run >/dev/null
"$PY" manage.py verify_audit

"$PY" - "$WORK/before.json" "$WORK/after.json" <<'PY'
import json, sys
before, after = (json.load(open(path)) for path in sys.argv[1:3])
# New apps add their content types and permissions, the upgrade its migration rows, and
# ikc_share 0007 seals every chain of unkeyed audit events with one keyed event.
GROWS = {"django_migrations", "django_content_type", "auth_permission", "ikc_share_auditevent"}
problems = []
for table, rows in sorted(before["tables"].items()):
    now = after["tables"].get(table)
    if now is None:
        problems.append(f"{table}: missing after the upgrade ({rows} rows before)")
    elif now < rows or (now != rows and table not in GROWS):
        problems.append(f"{table}: {rows} rows before, {now} after")
for table, rows in sorted((t, r) for t, r in before["orm"].items() if t not in GROWS):
    if after["orm"].get(table) != rows:
        problems.append(f"{table}: the models see {after['orm'].get(table)} rows, {rows} before")
tables = len(before["tables"])
rows = sum(v for k, v in before["tables"].items() if k not in GROWS)
if problems:
    print("Rows lost in the upgrade:\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"No loss: {tables} tables and {rows} rows before, the same after, and every model reads all of its table.")
PY
git worktree remove --force "$WORK/base"
