"""Rights requests: filed in the portal or recorded by staff, the one-month deadline, an
extension the parent is told about, assignee, status with reasons, objections through the
consent app's Objection, every step audited, reminders before the deadline."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accountability import jobs
from accountability.deadlines import request_deadline
from accountability.rights import selectors as rights_selectors
from accountability.rights import services as rights_services
from accountability.rights.models import RightsRequest
from consent import services as consent_services
from consent.models import Objection
from ikc_share.models import AuditEvent, Guardianship, Membership
from tests.builders import agreement_version, guardian


def _submit(
    world, *, days_ago: int = 0, kind: str = "access", child=None, channel="letter", actor="director_childcare"
):
    child = child or world.child_daycare
    return rights_services.rights_request_submit(
        child=child, guardian=guardian(world, child, "Sanne"), kind=kind, description="",
        actor=world.user(actor), channel=channel,
        received_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )  # fmt: skip


def test_parent_files_in_the_portal_and_follows_the_status(world, login):
    client = login(world.user("parent_a"))
    form = client.get("/portal/requests/new/")
    assert form.status_code == 200 and "Inzage" in form.content.decode()
    response = client.post(
        "/portal/requests/new/", {"child": world.child_daycare.pk, "kind": "access", "description": "Alles graag."}
    )
    request = RightsRequest.objects.get()
    assert response.url == f"/portal/requests/{request.pk}/"
    today = timezone.localdate()
    assert (request.received_on, request.due_on, request.status) == (today, request_deadline(today), "received")
    assert request.channel == "portal" and request.guardian == guardian(world, world.child_daycare, "Sanne")
    page = client.get(response.url).content.decode()
    assert "Ontvangen" in page and "U krijgt uiterlijk" in page
    assert "Inzage (art. 15)" in client.get("/portal/requests/").content.decode()
    event = AuditEvent.objects.get(action="rights_request.submitted")
    assert (event.child_ref, event.guardian_ref, event.organisation_id) == (
        world.child_daycare.pk,
        request.guardian_id,
        world.childcare.pk,
    )


def test_a_parent_without_authority_cannot_file_for_the_child(world, login):
    Guardianship.objects.filter(child=world.child_daycare, guardian__first_name="Mark").update(
        has_parental_authority=False
    )
    client = login(world.user("parent_b"))
    response = client.post("/portal/requests/new/", {"child": world.child_daycare.pk, "kind": "access"})
    assert response.status_code == 200 and not RightsRequest.objects.exists()
    with pytest.raises(ValidationError, match="ouderlijk gezag"):
        rights_services.rights_request_submit(
            child=world.child_daycare, guardian=guardian(world, world.child_daycare, "Mark"), kind="access",
            description="", actor=world.user("parent_b"),
        )  # fmt: skip


def test_staff_record_a_request_received_by_letter(world, login):
    client = login(world.user("staff_childcare"))
    url = f"/consent/organisations/{world.childcare.pk}/requests/new/"
    assert "Noah" in client.get(url).content.decode()  # pick the child first
    received = timezone.localdate() - datetime.timedelta(days=10)
    response = client.post(
        f"{url}?child={world.child_daycare.pk}",
        {
            "guardian": guardian(world, world.child_daycare, "Mark").pk,
            "kind": "rectification",
            "channel": "phone",
            "received_on": received.isoformat(),
            "description": "Het telefoonnummer klopt niet.",
        },
    )
    request = RightsRequest.objects.get()
    assert response.status_code == 302 and request.due_on == request_deadline(received)
    assert request.channel == "phone" and request.created_by == world.user("staff_childcare")
    assert AuditEvent.objects.filter(action="rights_request.recorded").exists()
    # The staff member recorded it; handling is for the director or a privacy contact.
    assert client.get(f"/consent/requests/{request.pk}/").status_code == 403


def test_status_needs_a_reason_to_reject_and_is_final(world):
    request = _submit(world)
    director = world.user("director_childcare")
    with pytest.raises(ValidationError, match="reden"):
        rights_services.rights_request_set_status(request=request, status="rejected", message=" ", actor=director)
    request = rights_services.rights_request_set_status(
        request=request, status="acknowledged", message="", actor=director
    )
    request = rights_services.rights_request_set_status(
        request=request, status="needs_info", message="Welke gegevens bedoelt u?", actor=director
    )
    request = rights_services.rights_request_set_status(
        request=request, status="rejected", message="Het verzoek is te algemeen.", actor=director
    )
    assert request.closed_at and request.answer == "Het verzoek is te algemeen."
    with pytest.raises(ValidationError):
        rights_services.rights_request_set_status(request=request, status="in_progress", message="", actor=director)
    assert AuditEvent.objects.filter(action="rights_request.status_changed").count() == 3
    assert [s.status for s in request.steps.order_by("at", "pk")] == [
        "received",
        "acknowledged",
        "needs_info",
        "rejected",
    ]


def test_extension_within_the_first_month_with_a_reason_the_parent_reads(world, login):
    request = _submit(world, days_ago=20, channel="portal", actor="parent_a")
    director = world.user("director_childcare")
    with pytest.raises(ValidationError, match="reden"):
        rights_services.rights_request_extend(request=request, months=2, reason="", actor=director)
    request = rights_services.rights_request_extend(
        request=request, months=2, reason="Veel gegevens bij twee locaties.", actor=director
    )
    assert request.due_on == request_deadline(request.received_on, extension_months=2)
    page = login(world.user("parent_a")).get(f"/portal/requests/{request.pk}/").content.decode()
    assert "Veel gegevens bij twee locaties." in page
    late = _submit(world, days_ago=40)
    with pytest.raises(ValidationError, match="eerste maand"):
        rights_services.rights_request_extend(request=late, months=1, reason="Druk.", actor=director)
    assert AuditEvent.objects.filter(action="rights_request.extended").count() == 1


def test_privacy_contact_handles_the_privacy_officer_only_advises(world, login):
    request = _submit(world)
    Membership.objects.filter(user=world.user("staff_childcare")).update(is_privacy_contact=True)
    contact = login(world.user("staff_childcare"))
    assert contact.get(f"/consent/requests/{request.pk}/").status_code == 200
    response = contact.post(f"/consent/requests/{request.pk}/assign/", {"assignee": world.user("staff_childcare").pk})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.assignee == world.user("staff_childcare")
    with pytest.raises(ValidationError):
        rights_services.rights_request_assign(
            request=request, assignee=world.user("po_childcare"), actor=world.user("director_childcare")
        )
    po = login(world.user("po_childcare"))
    assert po.post(f"/consent/requests/{request.pk}/status/", {"status": "in_progress"}).status_code == 403
    response = po.post(
        f"/organisations/{world.childcare.pk}/advice/",
        {"subject": "rights_request", "subject_id": request.pk, "text": "Let op art. 15 lid 4.", "next": "/x"},
    )
    assert response.status_code == 302
    assert "Let op art. 15 lid 4." in po.get(f"/consent/requests/{request.pk}/").content.decode()


def test_an_objection_request_is_the_consent_apps_objection(world, login):
    version = agreement_version(world, basis="f", title="BSO en school")
    client = login(world.user("parent_a"))
    client.post(
        "/portal/requests/new/",
        {"child": world.child_daycare.pk, "kind": "objection", "version": version.pk, "description": "Niet nodig."},
    )
    request = RightsRequest.objects.get()
    objection = Objection.objects.get()
    assert request.objection == objection and objection.status == "pending" and objection.explanation == "Niet nodig."
    director = world.user("director_childcare")
    with pytest.raises(ValidationError, match="bezwaar"):
        rights_services.rights_request_set_status(request=request, status="fulfilled", message="", actor=director)
    consent_services.objection_decide(objection=objection, uphold=True, reason="U heeft gelijk.", actor=director)
    request.refresh_from_db()
    assert "Toegewezen" in client.get(f"/portal/requests/{request.pk}/").content.decode()
    still_open = rights_selectors.open_requests(organisation=world.childcare, today=timezone.localdate())
    assert request not in [r.request for r in still_open]
    rights_services.rights_request_set_status(request=request, status="fulfilled", message="", actor=director)


def test_reminders_go_to_the_assignee_once_per_step(world):
    today = timezone.localdate()
    request = _submit(world)
    RightsRequest.objects.filter(pk=request.pk).update(
        due_on=today + datetime.timedelta(days=7), assignee=world.user("director_childcare")
    )
    assert jobs.rights_reminders_send(today=today) == 1
    assert mail.outbox[-1].to == [world.user("director_childcare").email] and "#" in mail.outbox[-1].subject
    assert jobs.rights_reminders_send(today=today) == 0  # once
    assert jobs.rights_reminders_send(today=today + datetime.timedelta(days=3)) == 0  # no step between 7 and 1
    assert jobs.rights_reminders_send(today=today + datetime.timedelta(days=6)) == 1  # one day left
    assert jobs.rights_reminders_send(today=today + datetime.timedelta(days=8)) == 1  # overdue
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.filter(action="rights_request.reminder_sent").count() == 3
