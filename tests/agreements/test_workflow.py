"""The life of an agreement: draft → submit → approvals → active → amend → end, with the
audit trail each step writes."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import services
from agreements.models import Agreement, AgreementVersion, Approval
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent
from tests.builders import activate, items, make_active, make_awaiting, make_draft, role, spec


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _orgs(events) -> set[int]:
    return {e.organisation_id for e in events}


def test_draft_submit_approve_activate_amend_end(world):
    dc, ds = world.user("director_childcare"), world.user("director_school")
    both = {world.childcare.pk, world.school.pk}

    v1 = services.agreement_create(actor=dc, spec=spec(world), title="Ontwikkellijn")
    assert v1.status == "draft" and v1.number == 1 and v1.is_material_change
    created = _events("agreement.created")
    assert _orgs(created) == both  # written in both controllers' chains
    payload = json.loads(created[0].payload)
    assert payload["categories"] == ["development_language", "development_social_emotional"]
    assert payload["legal_basis"] == "a" and payload["sender"] == world.childcare.pk

    v1 = services.agreement_version_update(version=v1, actor=ds, spec=spec(world, retention_months=18))
    assert v1.retention_months == 18 and v1.is_material_change  # a first version is always "material"
    assert _orgs(_events("agreement.edited")) == both

    v1 = services.agreement_version_submit(version=v1, actor=dc)
    assert v1.status == "awaiting_approval" and v1.submitted_at is not None
    assert len(_events("agreement.submitted")) == 2
    # Submitting is the submitter's side's approval (issue 18): one approval, not active yet.
    assert json.loads(_events("agreement.approved")[-1].payload)["side"] == world.childcare.pk
    assert v1.activated_at is None and not _events("agreement.activated")

    v1 = services.agreement_version_approve(version=v1, actor=ds, organisation=world.school, comment="Akkoord.")
    assert v1.status == "active" and v1.activated_at is not None
    assert _orgs(_events("agreement.activated")) == both
    assert json.loads(_events("agreement.approved")[-1].payload)["side"] == world.school.pk

    # Amend without material change: only the explanation is reworded.
    v2 = services.agreement_amend(agreement=v1.agreement, actor=ds)
    assert v2.number == 2 and v2.status == "draft" and not v2.is_material_change
    assert _orgs(_events("agreement.amended")) == both
    v2 = services.agreement_version_update(
        version=v2, actor=ds, spec=spec(world, retention_months=18, purpose_explanation="Beter uitgelegd.")
    )
    assert not v2.is_material_change and v2.change_summary == "Uitleg voor ouders aangepast"
    v1.refresh_from_db()
    assert v1.status == "active"  # the active version stays in force meanwhile
    v2 = activate(world, v2)
    v1.refresh_from_db()
    assert v2.status == "active" and v1.status == "superseded" and v1.superseded_at == v2.activated_at
    assert json.loads(_events("agreement.activated")[-1].payload)["superseded"] == v1.pk

    # Amend with material changes: an item added and a longer retention.
    v3 = services.agreement_amend(agreement=v1.agreement, actor=dc)
    new_items = items("development_language", "development_social_emotional", "development_motor")
    v3 = services.agreement_version_update(
        version=v3,
        actor=dc,
        spec=spec(world, items=new_items, retention_months=24, purpose_explanation="Beter uitgelegd."),
    )
    assert v3.is_material_change
    assert v3.change_summary.splitlines() == [
        "Gegevens toegevoegd: Ontwikkeling: motoriek (wezenlijke wijziging)",
        "Bewaartermijn verlengd: 18 → 24 maanden (wezenlijke wijziging)",
    ]
    v3 = services.agreement_version_submit(version=v3, actor=dc)
    assert json.loads(_events("agreement.submitted")[-1].payload)["material"] is True

    agreement = services.agreement_end(agreement=v1.agreement, actor=ds, reason="Samenwerking gestopt.")
    assert agreement.ended_at is not None and agreement.end_reason == "Samenwerking gestopt."
    assert agreement.ended_by == ds
    statuses = dict(agreement.versions.values_list("number", "status"))
    assert statuses == {1: "superseded", 2: "ended", 3: "ended"}
    assert _orgs(_events("agreement.ended")) == both
    assert verify_chains().ok


def test_returned_version_needs_both_approvals_again(world):
    dc, ds = world.user("director_childcare"), world.user("director_school")
    version = make_awaiting(world)  # submitted, and so approved, by the childcare director
    with pytest.raises(ValidationError, match="Schrijf erbij waarom"):
        services.agreement_version_return(version=version, actor=ds, organisation=world.school, comment=" ")
    version = services.agreement_version_return(
        version=version, actor=ds, organisation=world.school, comment="Voeg de intern begeleider toe."
    )
    assert version.status == "draft"
    assert Approval.objects.filter(version=version, decision="returned").get().comment == (
        "Voeg de intern begeleider toe."
    )
    assert _orgs(_events("agreement.returned")) == {world.childcare.pk, world.school.pk}
    services.agreement_version_update(
        version=version,
        actor=dc,
        spec=spec(
            world, receiving_roles=[role(world.school, "Leerkracht groep 1-2"), role(world.school, "Intern begeleider")]
        ),
    )
    # The school submits this time: its approval comes with it; the childcare approval was for
    # the content before the return and no longer counts.
    version = services.agreement_version_submit(version=version, actor=ds)
    assert version.status == "awaiting_approval"
    version = services.agreement_version_approve(version=version, actor=dc, organisation=world.childcare)
    assert version.status == "active"


def test_each_director_decides_only_for_their_own_side(world):
    version = make_awaiting(world)
    with pytest.raises(PermissionDenied):
        services.agreement_version_approve(
            version=version, actor=world.user("director_childcare"), organisation=world.school
        )
    with pytest.raises(PermissionDenied):
        services.agreement_version_return(
            version=version, actor=world.user("po_school"), organisation=world.school, comment="Nee."
        )
    with pytest.raises(PermissionDenied):
        services.agreement_version_approve(version=version, actor=world.user("staff_school"), organisation=world.school)
    # Only the submitter's own approval (given by submitting) exists.
    assert list(Approval.objects.values_list("organisation_id", flat=True)) == [world.childcare.pk]


def test_a_side_cannot_approve_twice(world):
    version = make_awaiting(world)
    dc = world.user("director_childcare")  # approved by submitting
    with pytest.raises(ValidationError, match="al goedgekeurd"):
        services.agreement_version_approve(version=version, actor=dc, organisation=world.childcare)


def test_only_awaiting_versions_are_decided_and_only_drafts_edited(world):
    draft = make_draft(world)
    dc = world.user("director_childcare")
    with pytest.raises(ValidationError, match="wacht niet op goedkeuring"):
        services.agreement_version_approve(version=draft, actor=dc, organisation=world.childcare)
    active = make_active(world)
    with pytest.raises(ValidationError, match="Alleen een concept"):
        services.agreement_version_update(version=active, actor=dc, spec=spec(world))
    with pytest.raises(ValidationError, match="Alleen een concept"):
        services.agreement_version_submit(version=active, actor=dc)


def test_rule_errors_block_and_nothing_is_written(world):
    before = AuditEvent.objects.count()
    with pytest.raises(services.AgreementRuleError) as exc:
        services.agreement_create(actor=world.user("director_childcare"), spec=spec(world, legal_basis="d"))
    assert [m.code for m in exc.value.rule_messages] == ["vital_interest_refused"]
    assert not Agreement.objects.exists() and AuditEvent.objects.count() == before


def test_rules_are_checked_again_at_submit_and_approval(world):
    draft = make_draft(world)
    teacher = role(world.school, "Leerkracht groep 1-2")
    draft.receiving_roles.remove(teacher)  # e.g. the catalogue changed meanwhile
    with pytest.raises(services.AgreementRuleError, match="Kies ten minste één functie"):
        services.agreement_version_submit(version=draft, actor=world.user("director_childcare"))
    awaiting = make_awaiting(world)
    awaiting.receiving_roles.remove(teacher)
    with pytest.raises(services.AgreementRuleError):
        services.agreement_version_approve(
            version=awaiting, actor=world.user("director_school"), organisation=world.school
        )


def test_amend_needs_an_active_version_and_one_amendment_at_a_time(world):
    dc = world.user("director_childcare")
    with pytest.raises(ValidationError, match="Alleen een actieve afspraak"):
        services.agreement_amend(agreement=make_draft(world).agreement, actor=dc)
    active = make_active(world)
    services.agreement_amend(agreement=active.agreement, actor=dc)
    with pytest.raises(ValidationError, match="al een wijziging in behandeling"):
        services.agreement_amend(agreement=active.agreement, actor=dc)


def test_end_needs_a_reason_and_ends_everything(world):
    active = make_active(world)
    ds = world.user("director_school")
    with pytest.raises(ValidationError, match="Geef een reden"):
        services.agreement_end(agreement=active.agreement, actor=ds, reason="  ")
    services.agreement_end(agreement=active.agreement, actor=ds, reason="Klaar.")
    with pytest.raises(ValidationError, match="al beëindigd"):
        services.agreement_end(agreement=active.agreement, actor=ds, reason="Nog eens.")
    with pytest.raises(ValidationError, match="beëindigd"):
        services.agreement_amend(agreement=active.agreement, actor=ds)
    assert AgreementVersion.objects.get(pk=active.pk).ended_at is not None


def test_only_directors_of_the_two_parties_act(world):
    with pytest.raises(PermissionDenied):
        services.agreement_create(actor=world.user("staff_childcare"), spec=spec(world))
    with pytest.raises(PermissionDenied):
        services.agreement_create(actor=world.user("po_school"), spec=spec(world))
    active = make_active(world)
    for name in ("staff_school", "po_childcare", "stranger"):
        with pytest.raises(PermissionDenied):
            services.agreement_amend(agreement=active.agreement, actor=world.user(name))
        with pytest.raises(PermissionDenied):
            services.agreement_end(agreement=active.agreement, actor=world.user(name), reason="x")


def test_the_receiving_director_may_draft_too(world):
    version = services.agreement_create(actor=world.user("director_school"), spec=spec(world))
    assert version.agreement.sending_organisation == world.childcare
    assert (
        version.agreement.title == "Doorgaande ontwikkellijn kinderopvang → school: Kinderopvang Test → "
        "Schoolbestuur Test"
    )


def test_audit_payloads_hold_ids_and_codes_only(world):
    version = make_active(world)
    services.agreement_end(agreement=version.agreement, actor=world.user("director_school"), reason="Geheim.")
    for event in AuditEvent.objects.filter(action__startswith="agreement."):
        for forbidden in ("Geheim", world.childcare.name, world.school.name, "Testafspraak", "leerkracht"):
            assert forbidden.lower() not in event.payload.lower()
