"""The audit verifier on PostgreSQL streams the rows out of COPY and checks them in Python
(ikc_share/audit.py, `_pg_stream`): the same checks as the rows-through-Python path on
SQLite. These tests run on both, so the two paths must agree: payloads that COPY escapes
(quotes, backslashes, tabs, newlines, non-ASCII) verify, and every kind of tampering is
reported with the same reason."""

from __future__ import annotations

import pytest
from django.db import connection

from ikc_share.audit import audit_record, chain_for, keyed_hex
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent
from tests.factories import IkcFactory, make_organisation

pytestmark = pytest.mark.django_db

AWKWARD = ['quote " here', "back\\slash", "tab\there", "new\nline", "ünïcödé ✓", "pipe | too", '{"child":5}']


@pytest.fixture
def orgs():
    ikc = IkcFactory()
    return make_organisation(ikc=ikc, kind="childcare"), make_organisation(ikc=ikc, kind="school")


def _raw(sql, params=()):
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = DEFAULT")


def _fill(orgs):
    a, b = orgs
    for i, text in enumerate(AWKWARD):
        for org in (a, b) if i % 2 else (b, a):  # interleaved: ids alternate between the chains
            audit_record(organisation=org, actor=None, action="test.awkward", payload={"note": text, "child": i})
    audit_record(organisation=a, actor=None, action="test.refs", target=a, payload={"guardian": 12, "version": 7})
    audit_record(organisation=None, actor=None, action="auth.login_failed", payload={"method": "password"})


def test_awkward_payloads_verify(orgs):
    _fill(orgs)
    result = verify_chains()
    assert result.ok, result.problems
    assert result.events == AuditEvent.objects.count()
    assert result.chains == 3


def test_progress_is_reported(orgs):
    _fill(orgs)
    seen = []
    verify_chains(progress=seen.append)
    assert seen and seen[-1] == AuditEvent.objects.count()


def test_one_chain_only(orgs):
    _fill(orgs)
    a, _b = orgs
    result = verify_chains(chains=[chain_for(a)])
    assert result.ok
    assert result.events == AuditEvent.objects.filter(chain=chain_for(a)).count()


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE ikc_share_auditevent SET canonical = canonical || ' ' WHERE id = %s", "hash does not match"),
        ('UPDATE ikc_share_auditevent SET payload = \'{"note":"x"}\' WHERE id = %s', "row columns differ"),
        ("UPDATE ikc_share_auditevent SET child_ref = 999 WHERE id = %s", "search keys differ"),
        ("UPDATE ikc_share_auditevent SET child_ref = NULL WHERE id = %s", "search keys differ"),
        ("UPDATE ikc_share_auditevent SET guardian_ref = 1 WHERE id = %s", "search keys differ"),
    ],
)
def test_tampering_is_reported(orgs, sql, reason):
    _fill(orgs)
    a, _b = orgs
    victim = AuditEvent.objects.filter(chain=chain_for(a), action="test.awkward").order_by("seq")[2]
    _raw(sql, [victim.id])
    first = verify_chains().first_per_chain()
    assert [(p.chain, p.seq) for p in first] == [(chain_for(a), victim.seq)]
    assert reason in first[0].reason


def test_rewritten_link_and_gap_are_reported(orgs):
    _fill(orgs)
    a, b = orgs
    events = list(AuditEvent.objects.filter(chain=chain_for(a)).order_by("seq"))
    victim = events[3]
    text = victim.canonical.replace("test.awkward", "test.other")
    _raw(
        "UPDATE ikc_share_auditevent SET action = 'test.other', canonical = %s, hash = %s WHERE id = %s",
        [text, keyed_hex(text), victim.id],
    )
    gone = AuditEvent.objects.filter(chain=chain_for(b)).order_by("seq")[2]
    _raw("DELETE FROM ikc_share_auditevent WHERE id = %s", [gone.id])
    problems = {p.chain: p for p in verify_chains().first_per_chain()}
    assert problems[chain_for(a)].seq == victim.seq + 1
    assert "previous hash" in problems[chain_for(a)].reason
    assert problems[chain_for(b)].seq == gone.seq + 1
