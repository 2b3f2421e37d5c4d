"""Fault test (issue 19.4): Redis stops in the middle of a run and no work is lost.

PostgreSQL, a real Celery worker and a throwaway Redis of this test's own on another port
(IKC_FAULT_REDIS_PORT, 6390; never the shared 6379). An action's work is done by the
worker; Redis is stopped (`shutdown nosave`); the actions that queue work answer as usual
(no 500) and their work waits in the outbox; Redis is started again, `dispatch_outbox`
sends it, and the worker does all of it.

Skipped unless IKC_FAULT_TEST=1: run it with scripts/fault-broker.sh, which starts nothing
else and points this process's broker at that port.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from accountability.models import VerificationJob
from agreements.letters.models import LetterBatch
from consent.models import ConsentRound, ConsentRoundMail
from ikc_share.celery import app
from ikc_share.models import OutboxMessage
from onboarding.models import Invitation
from tests.builders import letter_version
from tests.conftest import wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(os.environ.get("IKC_FAULT_TEST") != "1", reason="fault test: run scripts/fault-broker.sh"),
]

PORT = int(os.environ.get("IKC_FAULT_REDIS_PORT", "6390"))
ROOT = Path(__file__).resolve().parent.parent


def _redis_answers() -> bool:
    ping = subprocess.run(["redis-cli", "-p", str(PORT), "ping"], capture_output=True, text=True, check=False)
    return ping.stdout.strip() == "PONG"


def _redis_start(folder: Path) -> None:
    subprocess.run(
        ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(PORT), "--save", ""]
        + ["--appendonly", "no", "--dir", str(folder), "--logfile", str(folder / "redis.log")],
        check=True,
    )
    wait_for(_redis_answers, timeout=10, interval=0.1)


def _redis_stop() -> None:
    subprocess.run(["redis-cli", "-p", str(PORT), "shutdown", "nosave"], capture_output=True, check=False)
    wait_for(lambda: not _redis_answers(), timeout=10, interval=0.1)


@pytest.fixture
def fault_broker(tmp_path):
    """A throwaway Redis on PORT and a Celery worker on it, serving the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("the fault test needs PostgreSQL (the worker shares the test database)")
    assert PORT != 6379, "never stop the shared Redis: use another port"
    assert f":{PORT}/" in app.conf.broker_url, "run with scripts/fault-broker.sh (CELERY_BROKER_URL on PORT)"
    assert not _redis_answers(), f"something already listens on port {PORT}"
    _redis_start(tmp_path)
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CONN_MAX_AGE": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PRIVATE_MEDIA_ROOT": str(settings.STORAGES["default"]["OPTIONS"]["location"]),
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ikc_share", "worker", "--loglevel=WARNING", "--pool=solo"]
        + ["--hostname=fault@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield tmp_path
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        _redis_stop()
        lines = (tmp_path / "worker.log").read_text().splitlines()
        print("\n".join(line for line in lines if "ERROR" in line or "Error" in line)[-4000:])  # shown on failure


def _done(model, **filters):
    return lambda: model.objects.filter(**filters).exists()


def test_redis_stops_mid_run_and_no_work_is_lost(fault_broker, world):
    version = letter_version(world, basis="a")
    director, officer, staff = Client(), Client(), Client()
    director.force_login(world.user("director_childcare"))
    officer.force_login(world.user("po_childcare"))
    staff.force_login(world.user("staff_childcare"))
    verify = reverse("ikc_share:audit-verify", kwargs={"org_pk": world.childcare.pk})
    invite = reverse("ikc_share:membership-invite", kwargs={"org_pk": world.childcare.pk})

    def invitation(email: str) -> dict:
        return {"first_name": "Nina", "last_name": "Nieuw", "email": email, "role": "staff"}

    # 1. The broker is up: the worker does the work.
    assert officer.post(verify).status_code == 302
    wait_for(_done(VerificationJob, status=VerificationJob.Status.DONE), timeout=40)

    # 2. Redis stops. Every action that queues work still answers, and saves its change.
    _redis_stop()
    started = time.monotonic()
    responses = {
        "round": staff.post(reverse("consent:round-start", args=[version.pk]), {"location": "", "group_name": ""}),
        "batch": director.post(
            reverse("agreements:letter-batch-start", kwargs={"version_pk": version.pk}), {"language": "nl"}
        ),
        "verify": officer.post(verify),
        "invite": director.post(invite, invitation("nieuw@example.nl")),
        "link": Client().post(reverse("consent:portal-login"), {"email": "parent_a@example.nl"}),
    }
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 302)
    assert time.monotonic() - started < 15  # no page waits long for the broker
    waiting = OutboxMessage.objects.filter(dispatched_at__isnull=True)
    assert waiting.count() == 5
    assert ConsentRoundMail.objects.filter(status=ConsentRoundMail.Status.PENDING).count() == 2
    assert LetterBatch.objects.get().status == LetterBatch.Status.QUEUED
    assert Invitation.objects.get(email="nieuw@example.nl").sent_at is None

    # 3. Redis is back (empty: nothing was kept). A new action's work goes out at once again
    # (the web process reconnects by itself); the dispatcher sends what waited.
    _redis_start(fault_broker)
    assert director.post(invite, invitation("later@example.nl")).status_code == 302
    assert OutboxMessage.objects.filter(dispatched_at__isnull=True).count() == 5
    call_command("dispatch_outbox")
    wait_for(lambda: not waiting.exists() or call_command("dispatch_outbox"), timeout=20, interval=1)

    # 4. The worker (reconnected by itself) does all of it; nothing is lost.
    wait_for(_done(ConsentRound, finished_at__isnull=False), timeout=40)  # the round's last step
    assert ConsentRoundMail.objects.filter(status=ConsentRoundMail.Status.SENT).count() == 2
    wait_for(_done(LetterBatch, status=LetterBatch.Status.DONE), timeout=40)
    wait_for(lambda: VerificationJob.objects.filter(status=VerificationJob.Status.DONE).count() == 2, timeout=40)
    wait_for(lambda: Invitation.objects.filter(sent_at__isnull=False).count() == 2, timeout=40)
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
