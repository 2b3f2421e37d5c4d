"""The audit trail: hash chain per controller, verification, tamper detection."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from ikc_share.audit import audit_record, chain_for, keyed_hex
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditChainHead, AuditEvent, AuditVerification
from tests.factories import IkcFactory, make_organisation


@pytest.fixture
def org(db):
    return make_organisation(ikc=IkcFactory(), kind="childcare")


def _write(org, n, action="test.event"):
    for i in range(n):
        audit_record(organisation=org, actor=None, action=action, payload={"i": i})


def _raw(sql, params=()):
    """Tamper with the table the way an attacker with database access would."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":  # a superuser can switch triggers off for a session
            cur.execute("SET session_replication_role = replica")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = DEFAULT")


def test_events_form_a_chain_per_organisation(org):
    other = make_organisation(ikc=org.ikc, kind="school")
    _write(org, 5)
    _write(other, 3)
    events = list(AuditEvent.objects.filter(chain=chain_for(org)).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    for prev, cur in zip(events, events[1:], strict=False):
        assert cur.prev_hash == prev.hash
        assert cur.hash == keyed_hex(cur.canonical)
    head = AuditChainHead.objects.get(chain=chain_for(org))
    assert head.seq == events[-1].seq and head.hash == events[-1].hash
    assert verify_chains().ok


def test_payload_holds_ids_and_codes_only(org):
    with pytest.raises(TypeError):
        audit_record(organisation=org, actor=None, action="x", payload={"child": {"name": "Noah"}})
    with pytest.raises(ValueError):
        audit_record(organisation=org, actor=None, action="bad|action")


def test_changed_column_is_reported_with_its_link(org):
    _write(org, 6)
    victim = AuditEvent.objects.filter(chain=chain_for(org)).order_by("seq")[3]
    _raw("UPDATE ikc_share_auditevent SET action = %s WHERE id = %s", ["child.deleted", victim.id])
    result = verify_chains()
    assert not result.ok
    first = result.first_per_chain()[0]
    assert (first.chain, first.seq) == (chain_for(org), victim.seq)
    assert "differ" in first.reason


def test_rewritten_row_with_new_hash_breaks_the_next_link(org):
    _write(org, 6)
    events = list(AuditEvent.objects.filter(chain=chain_for(org)).order_by("seq"))
    victim = events[2]
    text = victim.canonical.replace("test.event", "test.other")
    _raw(
        "UPDATE ikc_share_auditevent SET action='test.other', canonical=%s, hash=%s WHERE id=%s",
        [text, keyed_hex(text), victim.id],
    )
    first = verify_chains().first_per_chain()[0]
    assert first.seq == victim.seq + 1
    assert "previous hash" in first.reason


def test_text_changed_without_its_hash_is_reported(org):
    _write(org, 4)
    victim = AuditEvent.objects.filter(chain=chain_for(org)).order_by("seq")[1]
    _raw("UPDATE ikc_share_auditevent SET canonical = %s WHERE id = %s", [victim.canonical + " ", victim.id])
    first = verify_chains().first_per_chain()[0]
    assert (first.seq, first.reason) == (victim.seq, "hash does not match the stored text")


def test_codes_with_escapes_verify_intact(org):
    # Backslashes, tabs and newlines are escaped in PostgreSQL's COPY text: the verifier
    # must read them back exactly as they were hashed.
    audit_record(organisation=org, actor=None, action="test.event", payload={"code": "a\\b\tc\nd", "i": 1})
    audit_record(organisation=org, actor=None, action="test.event", payload={"code": "é ✓", "i": 2})
    assert verify_chains().ok


def test_deleted_rows_are_detected(org):
    _write(org, 6)
    events = list(AuditEvent.objects.filter(chain=chain_for(org)).order_by("seq"))
    _raw("DELETE FROM ikc_share_auditevent WHERE id = %s", [events[2].id])
    assert not verify_chains().ok
    # Cutting off the end is caught through the chain head.
    _raw("DELETE FROM ikc_share_auditevent WHERE chain = %s AND seq > %s", [chain_for(org), 2])
    problems = verify_chains().first_per_chain()
    assert problems and "chain head" in problems[-1].reason or problems[0].seq == 3


def test_verify_audit_command_exit_code(org):
    _write(org, 3)
    call_command("verify_audit")
    victim = AuditEvent.objects.filter(chain=chain_for(org)).order_by("seq").last()
    _raw("UPDATE ikc_share_auditevent SET payload = %s WHERE id = %s", ['{"i":99}', victim.id])
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert AuditVerification.objects.filter(ok=False).exists()


def test_nightly_task_alerts_privacy_officers(world, mailoutbox):
    from ikc_share.tasks import verify_audit_chains

    victim = AuditEvent.objects.filter(organisation=world.childcare).order_by("seq").first()
    _raw("UPDATE ikc_share_auditevent SET target_id = %s WHERE id = %s", ["999", victim.id])
    verify_audit_chains.delay("nightly")
    assert [m.to for m in mailoutbox] == [[world.user("po_childcare").email]]
    assert "verbroken" in mailoutbox[0].subject


@pytest.mark.postgres
def test_database_refuses_update_and_delete(org):
    _write(org, 1)
    event = AuditEvent.objects.filter(chain=chain_for(org)).first()
    for sql in (
        "UPDATE ikc_share_auditevent SET action='x' WHERE id=%s",
        "DELETE FROM ikc_share_auditevent WHERE id=%s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [event.id])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_queue_and_never_fork():
    org = make_organisation(ikc=IkcFactory(), kind="childcare")
    errors = []

    def writer(tag):
        try:
            for i in range(200):
                with transaction.atomic():
                    audit_record(organisation=org, actor=None, action=f"race.{tag}", payload={"i": i})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(t,)) for t in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.filter(chain=chain_for(org), action__startswith="race.").count() == 400
    result = verify_chains(chains=[chain_for(org)])
    assert result.ok, result.problems
    assert result.events == 401  # 400 + organisation.created
