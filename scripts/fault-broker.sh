#!/usr/bin/env bash
# Fault test of issue 19.4: Redis stops in the middle of a run and no work is lost
# (tests/test_fault_broker.py). The test starts its own throwaway Redis on
# IKC_FAULT_REDIS_PORT (default 6390; never the shared 6379) and a Celery worker on it
# against pytest's PostgreSQL test database, stops Redis, acts, starts Redis, dispatches.
#
#   scripts/fault-broker.sh
#   IKC_FAULT_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ikc_x IKC_FAULT_REDIS_PORT=6391 scripts/fault-broker.sh
#   scripts/fault-broker.sh -x -s          # extra arguments go to pytest
#
# pytest creates (and drops) its own test database, test_<name>, without running the
# migrations (the schema from the models: quicker; the migrations are checked elsewhere).
#
# Needs PostgreSQL and redis-server/redis-cli on the PATH. Takes under a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${IKC_FAULT_REDIS_PORT:-6390}"
if [ "$PORT" = "6379" ]; then
  echo "fault-broker: refusing to stop the shared Redis on 6379; choose another IKC_FAULT_REDIS_PORT" >&2
  exit 2
fi
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || {
  echo "fault-broker: needs redis-server and redis-cli" >&2
  exit 2
}
mkdir -p var/ci
export IKC_FAULT_TEST=1 IKC_FAULT_REDIS_PORT="$PORT"
export CELERY_BROKER_URL="redis://127.0.0.1:$PORT/0"
export DATABASE_URL="${IKC_FAULT_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ikc_fault}"
# The worker and the test process share the private files (the letter batch's ZIP): a
# folder of this script's own, emptied first.
export PRIVATE_MEDIA_ROOT="$PWD/var/ci/fault-private"
rm -rf "$PRIVATE_MEDIA_ROOT" && mkdir -p "$PRIVATE_MEDIA_ROOT"
.venv/bin/pytest -q -p no:cacheprovider --create-db --no-migrations --junitxml=var/ci/fault.xml -rs --durations=5 tests/test_fault_broker.py "$@"
# A skip is a failure here: this script exists to run the test.
python3 - var/ci/fault.xml <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
ran = sum(int(s.get("tests", 0)) - int(s.get("skipped", 0)) for s in suites)
sys.exit(0 if ran > 0 else "fault-broker: the fault test did not run")
PY
