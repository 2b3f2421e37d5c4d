"""Erasure (art. 17): what can go and what must stay, with reasons; carried out as an
anonymisation that keeps the audit chain verifiable."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accountability.anonymise import ANONYMISED
from accountability.models import PurgeRecord
from accountability.rights import rules as rights_rules
from accountability.rights import services as rights_services
from accountability.rights.models import RightsRequest
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent, Child, Guardian
from tests.builders import seed_emma
from transfers.models import ReceivedTransfer, Transfer


@pytest.fixture
def seeded(world):
    return seed_emma(world)


def _erasure(world, seeded) -> RightsRequest:
    return rights_services.rights_request_submit(
        child=seeded.child, guardian=seeded.sanne, kind="erasure", description="Verwijder alles.",
        actor=world.user("parent_a"),
    )  # fmt: skip


def _plan(request) -> dict:
    return {i.key: i for i in rights_rules.erasure_plan(request=request, today=timezone.localdate())}


def test_plan_keeps_an_enrolled_childs_record_and_says_why(world, seeded):
    plan = _plan(_erasure(world, seeded))
    assert plan["child"].erase is False and "ingeschreven" in plan["child"].reason
    assert plan["guardian"].erase is False  # Sanne has children here
    assert plan["transfers_sent"].erase is True and plan["transfers_sent"].count == 1  # shared with consent
    assert plan["transfers_received"].erase is False and "bewaartermijn" in plan["transfers_received"].reason
    for kept in ("consent_evidence", "rights_requests", "audit"):
        assert plan[kept].erase is False and plan[kept].reason
    assert "art. 7 lid 1" in plan["consent_evidence"].reason


def test_erasure_anonymises_keeps_the_chain_green_and_is_recorded(world, seeded):
    Child.objects.filter(pk=seeded.child.pk).update(left_on=timezone.localdate() - datetime.timedelta(days=30))
    for child in Child.objects.filter(guardianships__guardian__first_name="Sanne", organisation=world.childcare):
        Child.objects.filter(pk=child.pk).update(left_on=timezone.localdate() - datetime.timedelta(days=30))
    seeded.child.refresh_from_db()
    request = _erasure(world, seeded)
    plan = _plan(request)
    assert plan["child"].erase and plan["guardian"].erase
    assert verify_chains().ok
    events_before = AuditEvent.objects.count()

    rights_services.rights_request_erase(request=request, actor=world.user("director_childcare"))

    child = Child.objects.get(pk=seeded.child.pk)
    assert child.first_name == ANONYMISED and child.last_name == "" and child.date_of_birth.month == 1
    sanne = Guardian.objects.get(pk=seeded.sanne.pk)
    assert sanne.first_name == ANONYMISED and sanne.email == ""
    assert sanne.user_id == world.user("parent_a").pk  # kept until retention: she can read the outcome
    # The copy at the school is erased (art. 19), a tombstone stays.
    assert Transfer.objects.get(pk=seeded.sent.pk).state == Transfer.State.ERASED
    assert ReceivedTransfer.objects.get(transfer=seeded.sent).content == {}
    # Kept: consent evidence and the audit trail; the chain still verifies.
    assert seeded.child.consent_decisions.count() >= 2
    assert AuditEvent.objects.count() > events_before
    result = verify_chains()
    assert result.ok, result.problems
    actions = set(AuditEvent.objects.filter(organisation=world.childcare).values_list("action", flat=True))
    assert {"child.anonymised", "guardian.anonymised", "rights_request.erasure_performed"} <= actions
    assert set(PurgeRecord.objects.filter(reason="erasure").values_list("object_type", flat=True)) == {
        "ikc_share.child",
        "ikc_share.guardian",
    }
    request.refresh_from_db()
    assert {e["key"] for e in request.erasure_result["erased"]} == {"child", "guardian", "transfers_sent"}
    with pytest.raises(ValidationError, match="al uitgevoerd"):
        rights_services.rights_request_erase(request=request, actor=world.user("director_childcare"))


def test_erasure_can_be_fulfilled_only_after_it_ran(world, seeded):
    request = _erasure(world, seeded)
    director = world.user("director_childcare")
    with pytest.raises(ValidationError, match="verwijdering"):
        rights_services.rights_request_set_status(request=request, status="fulfilled", message="", actor=director)
    rights_services.rights_request_erase(request=request, actor=director)
    request.refresh_from_db()
    done = rights_services.rights_request_set_status(
        request=request, status="fulfilled", message="Klaar.", actor=director
    )
    assert done.status == "fulfilled" and done.closed_at is not None
    assert verify_chains().ok


def test_erasure_page_shows_the_plan_and_the_privacy_officer_cannot_run_it(world, seeded, client):
    request = _erasure(world, seeded)
    client.force_login(world.user("po_childcare"))
    page = client.get(f"/consent/requests/{request.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "wat kan weg, wat moet blijven" in body and "art. 5 lid 2" in body
    assert "Verwijdering uitvoeren" not in body
    assert client.post(f"/consent/requests/{request.pk}/erase/").status_code == 403
    assert Child.objects.get(pk=seeded.child.pk).first_name == "Emma"
