#!/usr/bin/env bash
# Embedded default: Django's server plus one Celery worker with its beat scheduler,
# talking over kombu's filesystem transport (folders under var/celery). No broker server.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
mkdir -p var/celery/queue var/celery/processed
.venv/bin/celery -A ikc_share worker -B --loglevel=INFO --concurrency=2 \
  --schedule=var/celerybeat-schedule --hostname="embedded@%h" &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null' EXIT INT TERM
echo "ikc-share: http://$HOST:$PORT/ (worker pid $WORKER; Ctrl-C stops both)"
.venv/bin/python manage.py runserver "$HOST:$PORT"
