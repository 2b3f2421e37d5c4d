"""Issue 19.5: the keyed audit chain, the protected heads and TRUNCATE, and the signed anchors."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from ikc_share.audit import (
    audit_record,
    canonical_text,
    chain_for,
    keyed_hex,
    sha256_hex,
)
from ikc_share.audit_anchors import anchor_text, check_text, publish_anchors
from ikc_share.audit_verify import UNKEYED_AFTER_KEYED, UNSEALED, verify_chains
from ikc_share.models import AuditAnchor, AuditChainHead, AuditEvent
from tests.factories import IkcFactory, make_organisation

seal_module = importlib.import_module("ikc_share.migrations.0007_keyed_audit_chain")


@pytest.fixture
def org(db):
    return make_organisation(ikc=IkcFactory(), kind="childcare")


def _write(org, n, action="test.event"):
    for i in range(n):
        audit_record(organisation=org, actor=None, action=action, payload={"i": i})


def _raw(sql, params=()):
    """Tamper with the tables the way someone with database access would (triggers off on PostgreSQL)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = DEFAULT")


def _forge(org, *, version="v2", digest=None, action="child.deleted"):
    """Append a forged event at the end of the chain and move the head to it, as an attacker
    who can write the database (but does not hold the key) would."""
    chain = chain_for(org)
    head = AuditChainHead.objects.get(chain=chain)
    last = AuditEvent.objects.get(chain=chain, seq=head.seq)
    text = canonical_text(
        chain=chain,
        seq=head.seq + 1,
        at=last.at,
        actor_id=None,
        action=action,
        target_type="",
        target_id="",
        payload="{}",
        prev_hash=head.hash,
        version=version,
    )
    digest = digest or sha256_hex(text)
    AuditEvent.objects.create(
        chain=chain,
        seq=head.seq + 1,
        organisation=org,
        at=last.at,
        action=action,
        payload="{}",
        canonical=text,
        prev_hash=head.hash,
        hash=digest,
    )
    AuditChainHead.objects.filter(pk=head.pk).update(seq=head.seq + 1, hash=digest)
    return head.seq + 1


def test_new_events_are_keyed(org):
    _write(org, 3)
    for event in AuditEvent.objects.filter(chain=chain_for(org)):
        assert event.canonical.startswith("v2|")
        assert event.hash == keyed_hex(event.canonical)
        assert event.hash != sha256_hex(event.canonical)
    assert verify_chains().ok


def test_forged_event_with_a_recomputed_plain_hash_and_moved_head_is_caught(org):
    _write(org, 3)
    seq = _forge(org, version="v1")
    problems = verify_chains().first_per_chain()
    assert [(p.seq, p.reason) for p in problems] == [(seq, UNKEYED_AFTER_KEYED)]
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_forged_keyed_event_without_the_key_is_caught(org):
    _write(org, 3)
    seq = _forge(org, version="v2")  # SHA-256 where the HMAC belongs
    first = verify_chains().first_per_chain()[0]
    assert (first.seq, first.reason) == (seq, "hash does not match the stored text")


def test_a_different_key_breaks_verification(org, settings):
    _write(org, 2)
    settings.AUDIT_HMAC_KEY = "another key entirely"
    assert not verify_chains().ok


def _write_unkeyed(org, n):
    """Events as the code before issue 19 wrote them (v1, plain SHA-256)."""
    chain = chain_for(org)
    head, _ = AuditChainHead.objects.get_or_create(chain=chain)
    seq, prev = head.seq, head.hash
    for i in range(n):
        seq += 1
        at = AuditEvent.objects.filter(chain=chain).order_by("-seq").values_list("at", flat=True).first()
        from django.utils import timezone

        at = timezone.now()
        text = canonical_text(
            chain=chain,
            seq=seq,
            at=at,
            actor_id=None,
            action="old.event",
            target_type="",
            target_id="",
            payload=f'{{"i":{i}}}',
            prev_hash=prev,
            version="v1",
        )
        AuditEvent.objects.create(
            chain=chain,
            seq=seq,
            organisation=org,
            at=at,
            action="old.event",
            payload=f'{{"i":{i}}}',
            canonical=text,
            prev_hash=prev,
            hash=sha256_hex(text),
        )
        prev = sha256_hex(text)
        AuditChainHead.objects.filter(chain=chain).update(seq=seq, hash=prev)


@pytest.fixture
def unkeyed_org(db):
    org = make_organisation(ikc=IkcFactory(), kind="school")
    # Only unkeyed events in this chain, as in a database from before the upgrade.
    _raw("DELETE FROM ikc_share_auditevent WHERE chain = %s", [chain_for(org)])
    _raw("UPDATE ikc_share_auditchainhead SET seq = 0, hash = '' WHERE chain = %s", [chain_for(org)])
    _write_unkeyed(org, 4)
    return org


def test_an_unsealed_unkeyed_chain_is_reported_then_sealed_by_the_upgrade(unkeyed_org):
    problems = verify_chains(chains=[chain_for(unkeyed_org)]).first_per_chain()
    assert [(p.seq, p.reason) for p in problems] == [(4, UNSEALED)]
    seal_module.seal_unkeyed_chains(apps, None)
    seal = AuditEvent.objects.get(chain=chain_for(unkeyed_org), seq=5)
    assert seal.action == "audit.chain_keyed" and seal.canonical.startswith("v2|")
    assert verify_chains(chains=[chain_for(unkeyed_org)]).ok
    seal_module.seal_unkeyed_chains(apps, None)  # a sealed chain is not sealed again
    assert AuditEvent.objects.filter(chain=chain_for(unkeyed_org)).count() == 5


def test_the_seal_protects_the_unkeyed_history(unkeyed_org):
    seal_module.seal_unkeyed_chains(apps, None)
    # Rewrite event 2 and recompute every plain hash after it, up to the seal.
    chain = chain_for(unkeyed_org)
    prev = AuditEvent.objects.get(chain=chain, seq=1).hash
    for event in AuditEvent.objects.filter(chain=chain, seq__in=[2, 3, 4]).order_by("seq"):
        text = event.canonical.rsplit("|", 1)[0] + "|" + prev
        if event.seq == 2:
            text = text.replace("old.event", "old.other")
        digest = sha256_hex(text)
        _raw(
            "UPDATE ikc_share_auditevent SET action = %s, canonical = %s, prev_hash = %s, hash = %s WHERE id = %s",
            ["old.other" if event.seq == 2 else event.action, text, prev, digest, event.id],
        )
        prev = digest
    first = verify_chains(chains=[chain]).first_per_chain()[0]
    assert (first.seq, first.reason) == (5, "previous hash does not match the previous event")


def test_anchors_are_published_to_the_privacy_officers_and_checked(world, mailoutbox, tmp_path):
    made = publish_anchors()
    chains = {a.chain for a in made}
    assert chain_for(world.childcare) in chains and chain_for(world.school) in chains
    to_childcare = [m for m in mailoutbox if m.to == [world.user("po_childcare").email]]
    assert len(to_childcare) == 1
    anchor = AuditAnchor.objects.get(chain=chain_for(world.childcare))
    assert anchor_text(anchor) in to_childcare[0].body
    assert "bewaar deze e-mail" in to_childcare[0].subject.lower()
    assert publish_anchors() == []  # nothing new, no new anchor
    saved = tmp_path / "anchor.eml"
    saved.write_text(to_childcare[0].body, encoding="utf-8")
    call_command("verify_audit", "--anchor", str(saved))
    assert check_text(to_childcare[0].body) is None


def test_a_rewrite_by_a_key_holder_disagrees_with_the_anchors(world, mailoutbox, tmp_path):
    publish_anchors()
    email = next(m for m in mailoutbox if m.to == [world.user("po_childcare").email])
    anchor = AuditAnchor.objects.get(chain=chain_for(world.childcare))
    # Someone with the database AND the key rewrites the anchored event and every later one.
    chain = anchor.chain
    events = list(AuditEvent.objects.filter(chain=chain, seq__gte=anchor.seq).order_by("seq"))
    prev = AuditEvent.objects.get(chain=chain, seq=anchor.seq - 1).hash
    for event in events:
        text = event.canonical.rsplit("|", 1)[0] + "|" + prev
        if event.seq == anchor.seq:
            text = text.replace(f"|{event.action}|", "|test.rewritten|")
        digest = keyed_hex(text)
        action = "test.rewritten" if event.seq == anchor.seq else event.action
        _raw(
            "UPDATE ikc_share_auditevent SET action = %s, canonical = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [action, text, prev, digest, event.id],
        )
        prev = digest
    _raw("UPDATE ikc_share_auditchainhead SET hash = %s WHERE chain = %s", [prev, chain])
    problems = verify_chains(chains=[chain]).first_per_chain()
    assert [(p.seq, p.reason) for p in problems] == [
        (anchor.seq, "the event's hash differs from the anchor of that event")
    ]
    # Even with the stored anchors deleted, the e-mailed one still tells.
    _raw("DELETE FROM ikc_share_auditanchor")
    assert verify_chains(chains=[chain]).ok
    saved = tmp_path / "anchor.txt"
    saved.write_text(email.body, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("verify_audit", "--anchor", str(saved))
    assert "differs from the anchor" in check_text(email.body)


def test_a_forged_anchor_is_refused(world, mailoutbox):
    publish_anchors()
    email = next(m for m in mailoutbox if m.to == [world.user("po_childcare").email])
    forged = email.body.replace("signature: ", "signature: 0", 1)
    assert "signature does not match" in check_text(forged)
    assert "no audit anchor" in check_text("hello")


@pytest.mark.postgres
def test_the_database_protects_heads_anchors_and_truncate(org, world):
    _write(org, 3)
    publish_anchors()
    head = AuditChainHead.objects.get(chain=chain_for(org))
    refused = [
        ("UPDATE ikc_share_auditchainhead SET seq = seq - 1 WHERE id = %s", [head.pk], "cannot move back"),
        ("UPDATE ikc_share_auditchainhead SET seq = seq + 1 WHERE id = %s", [head.pk], "must point at an event"),
        ("UPDATE ikc_share_auditchainhead SET hash = %s WHERE id = %s", ["0" * 64, head.pk], "must point at an event"),
        ("DELETE FROM ikc_share_auditchainhead WHERE id = %s", [head.pk], "cannot be deleted"),
        ("UPDATE ikc_share_auditanchor SET hash = 'x'", [], "append-only"),
        ("DELETE FROM ikc_share_auditanchor", [], "append-only"),
    ]
    for sql, params, message in refused:
        with pytest.raises(Exception, match=message), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
    for table in ("ikc_share_auditevent", "ikc_share_auditchainhead", "ikc_share_auditanchor"):
        with pytest.raises(Exception, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks in the way
            cur.execute("SET LOCAL ikc.audit_maintenance = 'off'")
            cur.execute(f"TRUNCATE {table} CASCADE")
    assert AuditChainHead.objects.get(pk=head.pk).seq == head.seq
    assert verify_chains().ok
