"""Issue 18.2: submitting a version is the submitter's approval and e-mails the directors who
still have to approve; a new rights request e-mails its handlers; 'Afspraak beëindigen' is
offered (and allowed) only for an agreement in force."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accountability import notifications as rights_notifications
from agreements import notifications, services
from agreements.models import Approval
from ikc_share.models import AuditEvent, Membership
from tests.builders import access_request, make_active, make_awaiting, make_draft


def test_submitting_approves_for_the_submitters_side_and_mails_the_other_director(
    world, django_capture_on_commit_callbacks
):
    draft = make_draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.agreement_version_submit(version=draft, actor=world.user("director_childcare"))
    assert version.status == "awaiting_approval"
    (approval,) = Approval.objects.filter(version=version)
    assert (approval.organisation, approval.decided_by, approval.decision) == (
        world.childcare,
        world.user("director_childcare"),
        "approved",
    )
    approved = AuditEvent.objects.filter(action="agreement.approved")
    assert {e.organisation_id for e in approved} == {world.childcare.pk, world.school.pk}  # both chains
    assert json.loads(approved.first().payload)["by_submitting"] is True

    (message,) = mail.outbox
    assert message.to == [world.user("director_school").email]
    title = version.agreement.title
    assert f"‘{title}’ versie 1 wacht op uw goedkeuring" in message.subject
    assert "Kinderopvang Test heeft versie 1" in message.body
    assert reverse("agreements:agreement-detail", args=[version.agreement_id]) in message.body
    assert "Noah" not in message.body and "Emma" not in message.body

    # One more approval makes it active: the school's director decides alone now.
    version = services.agreement_version_approve(
        version=version, actor=world.user("director_school"), organisation=world.school
    )
    assert version.status == "active"


def test_the_mail_goes_only_to_whom_still_has_to_approve(world):
    version = make_awaiting(world)
    assert notifications.approval_requested_send(version_id=version.pk) == 1
    assert [m.to for m in mail.outbox] == [[world.user("director_school").email]]
    # The task comes through the outbox, at least once: a redelivery sends nothing again.
    assert notifications.approval_requested_send(version_id=version.pk) == 0 and len(mail.outbox) == 1
    services.agreement_version_approve(version=version, actor=world.user("director_school"), organisation=world.school)
    mail.outbox.clear()
    assert notifications.approval_requested_send(version_id=version.pk) == 0  # active now: nobody waits
    assert notifications.approval_requested_send(version_id=999999) == 0
    assert not mail.outbox


def test_an_inactive_director_gets_no_mail(world):
    version = make_awaiting(world)
    Membership.objects.filter(user=world.user("director_school")).update(is_active=False)
    assert notifications.approval_requested_send(version_id=version.pk) == 0


def test_the_submit_page_says_it_counts_as_approval(world, login):
    draft = make_draft(world)
    client = login(world.user("director_school"))
    response = client.post(reverse("agreements:version-submit", args=[draft.pk]), follow=True)
    page = response.content.decode()
    assert "goedgekeurd namens Schoolbestuur Test" in page and "krijgt een e-mail" in page
    assert Approval.objects.get(version=draft).organisation == world.school


def test_a_new_rights_request_mails_its_handlers(world, django_capture_on_commit_callbacks):
    Membership.objects.filter(user=world.user("staff_childcare")).update(is_privacy_contact=True)
    with django_capture_on_commit_callbacks(execute=True):
        request = access_request(world)
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([world.user("director_childcare").email, world.user("staff_childcare").email])
    message = mail.outbox[0]
    assert f"nieuw verzoek #{request.pk}" in message.subject and "Inzage (art. 15)" in message.subject
    assert reverse("consent:rights-detail", args=[request.pk]) in message.body
    assert "Noah" not in message.body and "Sanne" not in message.body  # no data about child or parent
    assert rights_notifications.rights_request_filed_send(request_id=request.pk) == 0  # redelivered: not again


def test_the_privacy_officer_and_other_staff_get_no_rights_mail(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        access_request(world)
    recipients = {address for m in mail.outbox for address in m.to}
    assert recipients == {world.user("director_childcare").email}


def test_ending_is_offered_and_allowed_only_for_an_agreement_in_force(world, login):
    draft = make_draft(world)
    client = login(world.user("director_childcare"))
    end_url = reverse("agreements:agreement-end", args=[draft.agreement_id])
    page = client.get(reverse("agreements:agreement-detail", args=[draft.agreement_id])).content.decode()
    assert end_url not in page and "Afspraak beëindigen" not in page
    with pytest.raises(ValidationError, match="Alleen een actieve afspraak kan worden beëindigd"):
        services.agreement_end(agreement=draft.agreement, actor=world.user("director_childcare"), reason="Weg.")
    response = client.post(end_url, {"reason": "Weg ermee."}, follow=True)
    assert "Alleen een actieve afspraak kan worden beëindigd" in response.content.decode()
    draft.agreement.refresh_from_db()
    assert draft.agreement.ended_at is None

    active = make_active(world)
    page = client.get(reverse("agreements:agreement-detail", args=[active.agreement_id])).content.decode()
    assert reverse("agreements:agreement-end", args=[active.agreement_id]) in page
