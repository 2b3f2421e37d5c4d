# Shared by bench/run and bench/multi (sourced from the project root, never run on its own):
# the tools, the benchmark's environment, the scale database and gunicorn instances.
# shellcheck shell=bash

PY=.venv/bin/python
PORT="${BENCH_PORT:-8391}"
# The production settings (gunicorn.conf.py: 2 sync workers); BENCH_WORKER_CLASS=gthread
# BENCH_THREADS=4 measures threaded workers instead, for comparison.
WORKER_CLASS="${BENCH_WORKER_CLASS:-sync}"
THREADS="${BENCH_THREADS:-1}"
GUNICORN_PIDS=()
LAST_GUNICORN=""

# wrk (and HarfBuzz's subsetter, which WeasyPrint's letters use) from Debian when missing.
bench_tools() {
  local need=()
  command -v wrk >/dev/null || need+=(wrk)
  ls /usr/lib/*/libharfbuzz-subset.so.0 >/dev/null 2>&1 || need+=(libharfbuzz-subset0)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    fi
    command -v wrk >/dev/null || { echo "wrk is missing: apt-get install ${need[*]}" >&2; exit 1; }
  fi
  [ -x "$PY" ] || { echo "no virtualenv: run make install" >&2; exit 1; }
}

# Production-ish settings on plain http://127.0.0.1 (no TLS here, so no secure cookies or
# redirects); no second factor for the benchmark's users; a var folder of its own so that
# nothing is shared with the demo (staticfiles, Celery's filesystem queue, private files).
bench_env() {
  export IKC_BENCH=1
  export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ikc_scale}"
  export IKC_VAR_DIR="$PWD/var/scale"
  export PRIVATE_MEDIA_ROOT="$IKC_VAR_DIR/private"
  export DEBUG=0
  export SECRET_KEY="bench-only-$(hostname)-not-secret"
  export ALLOWED_HOSTS="127.0.0.1,localhost"
  export SITE_URL="http://127.0.0.1:$PORT"
  export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
  export OTP_REQUIRED_FOR_ROLES=""
  export LOG_LEVEL=WARNING
  export CONN_MAX_AGE=600
  unset CELERY_TASK_ALWAYS_EAGER
  mkdir -p "$IKC_VAR_DIR" bench/out
}

# The scale database: created, migrated, seeded when empty (or again with reseed=1), fresh
# planner statistics. $1: 1 to seed again (manage.py seed_scale --flush).
bench_prepare_db() {
  local reseed="${1:-0}" dbname server
  dbname="${DATABASE_URL##*/}"
  server="${DATABASE_URL%/*}"
  if ! psql "$server/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1; then
    echo "Creating database $dbname"
    psql "$server/postgres" -qc "CREATE DATABASE \"$dbname\""
  fi
  $PY manage.py migrate --noinput -v0
  if [ "$reseed" = 1 ]; then
    echo "Seeding $dbname again (manage.py seed_scale --flush)"
    $PY manage.py seed_scale --flush
  fi
  if ! psql "$DATABASE_URL" -Atc "SELECT 1 FROM auth_user WHERE username = 'directeur.schaal'" | grep -q 1; then
    echo "Seeding $dbname (manage.py seed_scale)"
    $PY manage.py seed_scale
  fi
  $PY manage.py compile_translations >/dev/null
  $PY manage.py collectstatic --noinput -v0
  # Fresh planner statistics and visibility map after seeding: otherwise autovacuum's first
  # pass over the million-row tables can land in the middle of a measurement.
  psql "$DATABASE_URL" -qc "VACUUM (ANALYZE)"
}

bench_healthy() { curl -sf "http://127.0.0.1:$1/healthz" >/dev/null; }

# gunicorn on 127.0.0.1:$1 (log in $2) with the current environment; waits until /healthz
# answers. Its master's pid: LAST_GUNICORN (and in GUNICORN_PIDS, for bench_stop_gunicorns).
bench_start_gunicorn() {
  local port="$1" log="$2"
  if bench_healthy "$port"; then
    echo "port $port already answers /healthz: stop that server first (or set BENCH_PORT)" >&2
    exit 1
  fi
  .venv/bin/gunicorn ikc_share.wsgi:application --config gunicorn.conf.py --bind "127.0.0.1:$port" --workers 2 \
    --worker-class "$WORKER_CLASS" --threads "$THREADS" --timeout 600 --graceful-timeout 5 --log-level warning \
    >"$log" 2>&1 &
  LAST_GUNICORN=$!
  GUNICORN_PIDS+=("$LAST_GUNICORN")
  for _ in $(seq 60); do
    bench_healthy "$port" && return 0
    kill -0 "$LAST_GUNICORN" 2>/dev/null || break
    sleep 0.5
  done
  bench_healthy "$port" || { cat "$log" >&2; exit 1; }
}

# Stops the gunicorn instances this script started (their masters, by pid), and waits for them.
bench_stop_gunicorns() {
  local pid
  for pid in "${GUNICORN_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${GUNICORN_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  GUNICORN_PIDS=()
}
