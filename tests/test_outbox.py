"""A broker outage loses no work (issue 19.4). With the broker down, every action that
queues work answers as usual (200/302, never 500), its change is saved and the work waits
in the outbox; when the broker is back, the dispatcher sends it, the work gets done, and
nothing is sent twice. Plus the outbox itself, and a letter batch whose task never ran.

The broker is simulated: apply_async raises what kombu raises when Redis refuses the
connection, with eager mode off; "back" runs the tasks here, eagerly, as a worker would.
The real thing (PostgreSQL, a Celery worker, Redis stopped mid-run) is tests/test_fault_broker.py.
"""

from __future__ import annotations

import datetime
import io

import pytest
from celery.app.task import Task
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accountability.models import AuditReport, VerificationJob
from accountability.rights.models import RightsRequest
from agreements.letters import batches
from agreements.letters.models import Letter, LetterBatch
from consent.models import ConsentRound, ConsentRoundMail
from ikc_share import outbox
from ikc_share.celery import app
from ikc_share.models import AuditEvent, OutboxMessage
from ikc_share.tasks import outbox_dispatch, verify_audit_chains
from onboarding.models import Invitation
from tests.builders import (
    access_request,
    agreement_version,
    draft,
    fake_letter,
    letter_version,
    make_awaiting,
    reading,
    sanne,
    sent,
)
from transfers import services as transfer_services
from transfers.models import ReceivedTransfer, Transfer

pytestmark = pytest.mark.django_db
REFUSED = "Error 111 connecting to 127.0.0.1:6379. Connection refused."


class Broker:
    def __init__(self):
        self.up = False
        self.sent: list[tuple[str, list, dict]] = []

    def comes_back(self):
        self.up = True
        app.conf.task_always_eager = True  # the "worker" runs the task here

    def goes_down(self):
        self.up = False
        app.conf.task_always_eager = False


@pytest.fixture
def broker(monkeypatch):
    """The broker, down until `comes_back()`."""
    state, real, eager = Broker(), Task.apply_async, app.conf.task_always_eager

    def apply_async(task, args=None, kwargs=None, **options):
        if not state.up:
            raise OperationalError(REFUSED)
        state.sent.append((task.name, list(args or ()), dict(kwargs or {})))
        return real(task, args, kwargs, **options)

    monkeypatch.setattr(Task, "apply_async", apply_async)
    app.conf.task_always_eager = False
    yield state
    app.conf.task_always_eager = eager


@pytest.fixture
def outage(broker, django_capture_on_commit_callbacks, private_files, dutch):
    """Run an action while the broker is down; then bring it back and dispatch."""

    class Outage:
        def act(self, action):
            broker.goes_down()
            # What the test's setup queued is not this action's work.
            OutboxMessage.objects.update(dispatched_at=timezone.now())
            with django_capture_on_commit_callbacks(execute=True):
                response = action()
            assert response.status_code in (200, 302), response.status_code
            self.queued = list(OutboxMessage.objects.filter(dispatched_at__isnull=True).order_by("id"))
            assert self.queued, "the action queued nothing"
            assert all(m.attempts == 1 and "OperationalError" in m.last_error for m in self.queued)
            return response

        def end(self):
            broker.comes_back()
            assert outbox.dispatch_pending() == len(self.queued)
            assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
            count = len(broker.sent)
            assert outbox.dispatch_pending() == 0 and len(broker.sent) == count  # never twice
            return [name for name, _args, _kwargs in broker.sent]

    return Outage()


# --- The outbox ------------------------------------------------------------------------------------


def test_enqueue_sends_after_commit_and_marks_the_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = outbox.enqueue(verify_audit_chains, "manual")
    assert OutboxMessage.objects.get().dispatched_at is None  # nothing sent before commit
    callbacks[0]()
    message.refresh_from_db()
    assert message.dispatched_at is not None and message.attempts == 1 and message.last_error == ""
    assert message.task == "ikc_share.tasks.verify_audit_chains" and message.args == ["manual"]


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            outbox.enqueue(verify_audit_chains, "manual")
            raise RuntimeError("the change fails after queueing")
    assert callbacks == [] and not OutboxMessage.objects.exists()


def test_with_the_broker_down_the_message_waits_and_is_sent_once_it_is_back(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(verify_audit_chains, "manual")
    message = OutboxMessage.objects.get()
    assert message.dispatched_at is None and message.last_error == f"OperationalError: {REFUSED}"
    assert outbox.dispatch_pending() == 0  # still down: tried, nothing lost
    assert OutboxMessage.objects.get().attempts == 2
    broker.comes_back()
    assert outbox.dispatch_pending() == 1
    assert outbox.dispatch_pending() == 0
    assert broker.sent == [("ikc_share.tasks.verify_audit_chains", ["manual"], {})]


def test_a_message_another_dispatcher_holds_is_left_alone(broker):
    message = OutboxMessage.objects.create(task=verify_audit_chains.name, args=["manual"])
    assert outbox._claim([message.pk]) == 1  # another dispatcher took it a moment ago
    broker.comes_back()
    assert outbox.dispatch_one(message.pk) is False
    assert outbox.dispatch_pending() == 0 and broker.sent == []


def test_the_dispatcher_stops_at_the_first_broker_error_and_keeps_the_order(broker, monkeypatch):
    for n in range(3):
        OutboxMessage.objects.create(task=verify_audit_chains.name, args=[f"m{n}"])
    assert outbox.dispatch_pending() == 0
    assert list(OutboxMessage.objects.order_by("id").values_list("attempts", flat=True)) == [1, 0, 0]
    broker.comes_back()
    assert outbox.dispatch_pending(limit=2) == 2
    assert outbox.dispatch_pending() == 1
    assert [args for _name, args, _kw in broker.sent] == [["m0"], ["m1"], ["m2"]]


def test_an_unknown_task_is_kept_for_later_and_does_not_block_the_rest(broker):
    OutboxMessage.objects.create(task="nowhere.tasks.gone", args=[1])
    OutboxMessage.objects.create(task=verify_audit_chains.name, args=["manual"])
    broker.comes_back()
    assert outbox.dispatch_pending() == 1
    stuck = OutboxMessage.objects.get(task="nowhere.tasks.gone")
    assert stuck.dispatched_at is None and "NotRegistered" in stuck.last_error
    assert stuck.available_at > timezone.now() + datetime.timedelta(minutes=5)


def test_the_periodic_task_and_the_command_dispatch_and_purge(broker):
    old = OutboxMessage.objects.create(
        task=verify_audit_chains.name, dispatched_at=timezone.now() - datetime.timedelta(days=8)
    )
    OutboxMessage.objects.create(task=verify_audit_chains.name, args=["manual"])
    out = io.StringIO()
    call_command("dispatch_outbox", stdout=out)
    assert "Sent 0 message(s); 1 still waiting." in out.getvalue()
    broker.comes_back()
    assert outbox_dispatch() == 1
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()
    from django.conf import settings

    beat = settings.CELERY_BEAT_SCHEDULE["outbox-dispatch-every-minute"]
    assert beat["task"] == outbox_dispatch.name and beat["schedule"] == 60.0


# --- Every action that queues work, with the broker down --------------------------------------------


def test_starting_a_consent_round(world, login, outage):
    version = agreement_version(world)
    fake_letter(version, "nl")
    client = login(world.user("staff_childcare"))
    outage.act(
        lambda: client.post(reverse("consent:round-start", args=[version.pk]), {"location": "", "group_name": ""})
    )
    round_ = ConsentRound.objects.get()
    assert round_.mails.filter(status=ConsentRoundMail.Status.PENDING).count() == 2 and not mail.outbox
    assert "Nog te versturen" in client.get(reverse("consent:round-detail", args=[round_.pk])).content.decode()
    assert outage.end() == ["consent.tasks.send_round_mails"]
    assert round_.mails.filter(status=ConsentRoundMail.Status.SENT).count() == 2 and len(mail.outbox) == 2


def test_sending_a_reminder(world, login, outage):
    version = agreement_version(world)
    fake_letter(version, "nl")
    client = login(world.user("director_childcare"))
    outage.act(lambda: client.post(reverse("consent:reminder-send", args=[version.pk]), {"group": ""}))
    assert ConsentRound.objects.get().kind == "reminder" and not mail.outbox
    assert outage.end() == ["consent.tasks.send_round_mails"]
    assert mail.outbox and all(m.subject.startswith("Herinnering") for m in mail.outbox)


def test_asking_for_a_login_link(world, outage):
    outage.act(lambda: Client().post(reverse("consent:portal-login"), {"email": "parent_a@example.nl"}))
    assert not mail.outbox
    assert outage.end() == ["consent.tasks.send_login_link"]
    assert [m.to for m in mail.outbox] == [["parent_a@example.nl"]]


def test_approving_a_version_queues_its_letters(world, login, outage):
    version = make_awaiting(world)  # submitting approved the childcare side
    client = login(world.user("director_school"))
    outage.act(lambda: client.post(reverse("agreements:version-approve", kwargs={"pk": version.pk})))
    version.refresh_from_db()
    assert version.status == "active" and not Letter.objects.exists()
    assert outage.end() == ["agreements.tasks.letter_generate"] * 2
    assert sorted(Letter.objects.filter(version=version).values_list("language", flat=True)) == ["en", "nl"]


def test_the_make_the_letters_button(world, login, outage):
    version = letter_version(world, basis="a")
    client = login(world.user("director_childcare"))
    outage.act(lambda: client.post(reverse("agreements:letter-generate", kwargs={"version_pk": version.pk})))
    assert not Letter.objects.exists()
    outage.end()
    assert Letter.objects.filter(version=version, guardian__isnull=True).count() == 2


def test_a_paper_letter_batch(world, login, outage):
    version = letter_version(world, basis="a")
    client = login(world.user("director_childcare"))
    url = reverse("agreements:letter-batch-start", kwargs={"version_pk": version.pk})
    response = outage.act(lambda: client.post(url, {"language": "nl"}))
    batch = LetterBatch.objects.get()
    assert response["Location"] == reverse("agreements:letter-batch", kwargs={"pk": batch.pk})
    assert batch.status == LetterBatch.Status.QUEUED
    # While its task waits for the broker, the batch is not stuck: a second one waits for it.
    assert "Deze brieven worden al gemaakt" in client.post(url, {"language": "nl"}, follow=True).content.decode()
    assert outage.end() == ["agreements.tasks.letter_batch_run"]
    batch.refresh_from_db()
    assert batch.status == LetterBatch.Status.DONE and batch.done == batch.total == 4


def test_sharing_a_transfer_with_the_parents_first(world, login, outage):
    transfer = draft(world)
    client = login(world.user("staff_childcare"))
    outage.act(lambda: client.post(reverse("transfers:transfer-share", args=[transfer.pk])))
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.PARENTS_READING and not mail.outbox
    assert outage.end() == ["transfers.tasks.notify_parents"]
    assert mail.outbox


def test_sending_a_transfer_to_the_receiver(world, login, outage):
    transfer = reading(world)
    transfer_services.transfer_parents_confirm(transfer=transfer, guardian=sanne(world), actor=world.user("parent_a"))
    client = login(world.user("staff_childcare"))
    outage.act(lambda: client.post(reverse("transfers:transfer-share", args=[transfer.pk])))
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.SENT and not mail.outbox
    assert outage.end() == ["transfers.tasks.notify_receivers"]
    assert mail.outbox and ReceivedTransfer.objects.get(transfer=transfer)


def test_rectifying_and_erasing_a_sent_transfer(world, login, outage):
    transfer = sent(world)
    received = ReceivedTransfer.objects.get(transfer=transfer)
    data = {
        f"{code}-{name}": value or "" for code, fields in received.content.items() for name, value in fields.items()
    }
    data["development_language-going_well"] = "Gecorrigeerd door de verzender."
    staff = login(world.user("staff_childcare"))
    outage.act(lambda: staff.post(reverse("transfers:transfer-rectify", args=[transfer.pk]), data))
    received.refresh_from_db()
    assert received.corrections == 1 and not mail.outbox
    assert outage.end() == ["transfers.tasks.notify_receivers"]
    assert mail.outbox
    told = len(mail.outbox)
    director = login(world.user("director_childcare"))
    erase = reverse("transfers:transfer-erase", args=[transfer.pk])
    outage.act(lambda: director.post(erase, {"reason": "erasure_request", "confirm": "on"}))
    received.refresh_from_db()
    assert received.is_removed and len(mail.outbox) == told
    outage.end()
    assert len(mail.outbox) > told


def test_preparing_an_access_export(world, login, outage):
    request = access_request(world)
    client = login(world.user("director_childcare"))
    outage.act(lambda: client.post(reverse("consent:rights-export-prepare", kwargs={"pk": request.pk})))
    request.refresh_from_db()
    assert request.export_status == RightsRequest.ExportStatus.QUEUED
    assert outage.end() == ["accountability.tasks.build_access_export"]
    request.refresh_from_db()
    assert request.export_status == RightsRequest.ExportStatus.READY and request.export_sha256


def test_checking_the_audit_chain_and_a_report(world, login, outage):
    client = login(world.user("po_childcare"))
    outage.act(lambda: client.post(reverse("ikc_share:audit-verify", kwargs={"org_pk": world.childcare.pk})))
    assert VerificationJob.objects.get().status == VerificationJob.Status.QUEUED
    outage.end()
    assert VerificationJob.objects.get().status == VerificationJob.Status.DONE
    period = {"date_from": timezone.localdate().replace(day=1).isoformat(), "date_to": timezone.localdate().isoformat()}
    url = reverse("ikc_share:audit-report-request", kwargs={"org_pk": world.childcare.pk})
    outage.act(lambda: client.post(url, period))
    assert AuditReport.objects.get().status == AuditReport.Status.QUEUED
    outage.end()
    assert AuditReport.objects.get().status == AuditReport.Status.DONE


def test_a_pupil_import(world, login, outage):
    from tests.onboarding.conftest import ImportFlow

    flow = ImportFlow(login(world.user("director_childcare")), world.childcare, capture=None)
    assert flow.upload("childcare_utf8_bom.csv").status_code == 302
    job = flow.job()
    data = {f"col_{k}": v for k, v in job.columns.items()}
    if job.default_location_id:
        data["default_location"] = job.default_location_id
    outage.act(lambda: flow.client.post(reverse("ikc_share:import-mapping", kwargs={"pk": job.pk}), data))
    job.refresh_from_db()
    assert job.status == "checking"
    assert outage.end() == ["onboarding.tasks.check_import"]
    job.refresh_from_db()
    assert job.status == "checked" and not job.problem_count
    outage.act(lambda: flow.client.post(reverse("ikc_share:import-confirm", kwargs={"pk": job.pk})))
    job.refresh_from_db()
    assert job.status == "queued"
    outage.end()
    job.refresh_from_db()
    assert job.status == "done"


def test_invitations(world, login, outage):
    director = login(world.user("director_childcare"))
    invite = reverse("ikc_share:membership-invite", kwargs={"org_pk": world.childcare.pk})
    data = {"first_name": "Nina", "last_name": "Nieuw", "email": "nieuw@example.nl", "role": "staff"}
    outage.act(lambda: director.post(invite, data))
    invitation = Invitation.objects.get(email="nieuw@example.nl")
    assert invitation.sent_at is None and not mail.outbox
    assert outage.end() == ["onboarding.tasks.deliver_invitation"]
    assert [m.to for m in mail.outbox] == [["nieuw@example.nl"]]
    outage.act(lambda: director.post(reverse("ikc_share:invitation-resend", kwargs={"pk": invitation.pk})))
    assert len(mail.outbox) == 1
    outage.end()
    assert len(mail.outbox) == 2


# --- A letter batch whose task never ran does not block forever --------------------------------------


def _batch(world, version, *, status=LetterBatch.Status.QUEUED, age=datetime.timedelta(0), handed_over=None):
    batch = LetterBatch.objects.create(
        version=version,
        language="nl",
        requested_by=world.user("director_childcare"),
        status=status,
        total=4,
        created_at=timezone.now() - age,
    )
    OutboxMessage.objects.create(task=batches.RUN_TASK, args=[batch.pk], dispatched_at=handed_over)
    return batch


def test_a_batch_handed_to_the_broker_that_never_started_no_longer_blocks(world, login, dutch, private_files):
    version = letter_version(world, basis="a")
    lost = _batch(
        world, version, age=datetime.timedelta(minutes=40), handed_over=timezone.now() - batches.QUEUED_STUCK_AFTER * 2
    )
    client = login(world.user("director_childcare"))
    response = client.post(
        reverse("agreements:letter-batch-start", kwargs={"version_pk": version.pk}), {"language": "nl"}
    )
    new = LetterBatch.objects.exclude(pk=lost.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "agreements:letter-batch", kwargs={"pk": new.pk}
    )
    lost.refresh_from_db()
    assert lost.status == LetterBatch.Status.FAILED and lost.error == batches.STUCK_MESSAGE
    assert AuditEvent.objects.filter(action="letter_batch.failed", target_id=str(lost.pk)).exists()
    page = client.get(reverse("agreements:letter-batch", kwargs={"pk": lost.pk})).content.decode()
    assert "niet op tijd gestart of afgemaakt" in page
    # Its message arrives after all: nothing happens, the new batch makes the letters.
    assert batches.letter_batch_run(batch_id=lost.pk).status == LetterBatch.Status.FAILED


def test_which_busy_batches_block_a_new_one(world):
    version = letter_version(world, basis="a")
    now, minute = timezone.now(), datetime.timedelta(minutes=1)
    waiting = _batch(world, version, age=60 * minute)  # its message still waits for the broker
    assert not batches.batch_is_stuck(waiting)
    just_sent = _batch(world, version, age=60 * minute, handed_over=now - 5 * minute)
    assert not batches.batch_is_stuck(just_sent)
    lost = _batch(world, version, age=60 * minute, handed_over=now - 20 * minute)
    assert batches.batch_is_stuck(lost)
    running = _batch(world, version, status=LetterBatch.Status.RUNNING, age=30 * minute, handed_over=now - 30 * minute)
    assert not batches.batch_is_stuck(running)
    hanging = _batch(world, version, status=LetterBatch.Status.RUNNING, age=3 * 60 * minute, handed_over=now)
    assert batches.batch_is_stuck(hanging)
    LetterBatch.objects.filter(pk__in=[waiting.pk, just_sent.pk, running.pk]).delete()
    assert batches.batch_in_the_way(version_id=version.pk, language="nl") is None  # lost, hanging: failed now
    assert set(LetterBatch.objects.values_list("status", flat=True)) == {LetterBatch.Status.FAILED}
