"""Withdrawal → erasure (art. 7(3), 17(1)(b) and 19 AVG): a copy received on consent is
flagged "to erase" once the parents withdraw; the receiving organisation's director or
privacy contact erases it (content and attachments gone, a tombstone and an audit event
stay); a copy shared under a legal duty is not offered; when the sender corrects or erases,
the receivers and the receiving organisation's director hear it, and the parents see to whom."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from accountability.rights import services as rights_services
from consent import services as consent_services
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditEvent, Membership
from tests.builders import draft, guardian, png_upload, sanne, sent, transfer_version
from transfers import mail as transfer_mail
from transfers import services, tasks, withdrawals
from transfers.models import ReceivedTransfer, Transfer, TransferAttachment

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def _vve_sent(world) -> Transfer:
    """A copy shared under a legal duty (c, the VVE handover): no consent involved."""
    v = transfer_version(
        world, title="VVE (test)", basis="c", codes=["vve_programme", "vve_duration"], read_first=False
    )
    t = services.transfer_share(transfer=draft(world, v), actor=world.user("staff_childcare"))
    assert t.state == Transfer.State.SENT, t.verdict_reasons
    return t


def _sent_with_photo(world) -> Transfer:
    t = draft(world)
    services.transfer_attachment_add(transfer=t, upload=png_upload(), actor=world.user("staff_childcare"))
    t = services.transfer_share(transfer=t, actor=t.created_by)
    services.transfer_parents_confirm(transfer=t, guardian=sanne(world), actor=world.user("parent_a"))
    t = services.transfer_share(transfer=t, actor=t.created_by)
    assert t.state == Transfer.State.SENT
    return t


def _withdraw(world, t: Transfer, child=None) -> None:
    child = child or t.child
    consent_services.consent_withdraw(
        child=child, guardian=sanne(world, child), version=t.version, channel="portal",
        actor=world.user("parent_a"), language="nl",
    )  # fmt: skip


def _erase_url(received) -> str:
    return reverse("transfers:received-erase", args=[received.pk])


def _events(world, action: str) -> int:
    return AuditEvent.objects.filter(organisation=world.school, action=action).count()


# --- The flag -----------------------------------------------------------------------------------


def test_withdrawal_flags_the_copy_shared_on_consent_not_the_one_under_a_legal_duty(world, login):
    on_consent = ReceivedTransfer.objects.get(transfer=sent(world))
    by_law = ReceivedTransfer.objects.get(transfer=_vve_sent(world))
    assert withdrawals.erasure_due(ReceivedTransfer.objects.all()) == {}

    _withdraw(world, on_consent.transfer)

    due = withdrawals.erasure_due(ReceivedTransfer.objects.all())
    assert set(due) == {on_consent.pk}
    assert due[on_consent.pk].codes == list(on_consent.category_codes)
    teacher = login(world.user("staff_school"))
    inbox = _text(teacher.get(reverse("transfers:inbox", args=[world.school.pk])))
    assert inbox.count("te wissen: toestemming ingetrokken") == 1
    assert 'id="to-erase"' not in inbox  # the teacher does not handle rights
    page = _text(teacher.get(reverse("transfers:received-detail", args=[on_consent.pk])))
    today = timezone.localdate()
    assert f"Toestemming ingetrokken op {today.day} " in page and "wis deze gegevens, tenzij een wet" in page
    assert "De directeur of de privacycontactpersoon van uw organisatie wist ze." in page
    assert "Gegevens wissen" not in page
    law_page = _text(teacher.get(reverse("transfers:received-detail", args=[by_law.pk])))
    assert 'id="erase-due"' not in law_page
    assert (
        "grondslag c, wettelijke plicht" in law_page and "Er is geen toestemming die kan worden ingetrokken" in law_page
    )

    director = login(world.user("director_school"))
    inbox = _text(director.get(reverse("transfers:inbox", args=[world.school.pk])))
    assert "Te wissen: toestemming ingetrokken" in inbox
    assert _erase_url(on_consent) in inbox and _erase_url(by_law) not in inbox
    law = _text(director.get(_erase_url(by_law)))
    assert "grondslag c, wettelijke plicht" in law and 'name="reason"' not in law


def test_consent_given_again_takes_the_flag_away_and_a_mere_refusal_raises_none(world):
    t = sent(world)
    received = ReceivedTransfer.objects.get(transfer=t)
    mark = guardian(world, t.child, "Mark")
    consent_services.consent_decide(
        child=t.child, guardian=mark, version=t.version, answers=[consent_services.Answer(category=None, yes=False)],
        channel="portal", actor=world.user("parent_b"), language="nl", letter=None,
    )  # fmt: skip
    assert withdrawals.due_for(received) is None  # Mark never gave: a refusal, not a withdrawal
    _withdraw(world, t)
    assert withdrawals.due_for(received) is not None
    consent_services.consent_decide(
        child=t.child, guardian=sanne(world), version=t.version,
        answers=[consent_services.Answer(category=None, yes=True, explicit=True)],
        channel="portal", actor=world.user("parent_a"), language="nl", letter=None,
    )  # fmt: skip
    assert withdrawals.due_for(received) is None


# --- Erasing ------------------------------------------------------------------------------------


def test_erasing_removes_content_and_attachments_keeps_a_tombstone_and_an_audit_event(
    world, login, django_capture_on_commit_callbacks
):
    t = _sent_with_photo(world)
    received = ReceivedTransfer.objects.get(transfer=t)
    [photo] = TransferAttachment.objects.filter(received=received)
    assert default_storage.exists(photo.file.name)
    content_hash, codes = received.content_sha256, list(received.category_codes)
    _withdraw(world, t)
    director = login(world.user("director_school"))
    page = _text(director.get(_erase_url(received)))
    assert "Toestemming ingetrokken op" in page and "Vertelt in korte zinnen." not in page  # no content
    assert 'value="consent_withdrawn" selected' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = director.post(_erase_url(received), {"reason": "consent_withdrawn", "confirm": "on"})
    assert response.status_code == 302

    received.refresh_from_db()
    assert received.is_removed and received.removal == "receiver" and received.removal_reason == "consent_withdrawn"
    assert received.content == {} and received.parents_view == "" and received.child_name == ""
    assert received.removed_by == world.user("director_school") and received.removed_content_sha256 == content_hash
    assert received.category_codes == codes
    assert not TransferAttachment.objects.filter(received=received).exists()
    assert not default_storage.exists(photo.file.name)
    event = AuditEvent.objects.get(organisation=world.school, action="transfer.received_erased")
    assert event.actor == world.user("director_school") and event.transfer_ref == t.pk
    assert '"reason":"consent_withdrawn"' in event.payload and "Noah" not in event.payload
    assert verify_chains().ok
    assert withdrawals.due_for(received) is None

    tombstone = _text(director.get(response["Location"]))
    assert "Gewist door de ontvanger (art. 17 AVG)" in tombstone and "Gewist door Dorien Dijkman." in tombstone
    teacher_page = _text(
        login(world.user("staff_school")).get(reverse("transfers:received-detail", args=[received.pk]))
    )
    assert "Gewist door de ontvanger (art. 17 AVG)" in teacher_page and "Reden: Toestemming ingetrokken" in teacher_page
    assert "Vertelt in korte zinnen." not in teacher_page and received.removed_content_sha256 in teacher_page
    portal = _text(login(world.user("parent_a")).get(reverse("transfers:portal-transfer", args=[t.pk])))
    assert "Schoolbestuur Test heeft deze gegevens op" in portal and "Reden: Toestemming ingetrokken" in portal
    inbox = _text(login(world.user("director_school")).get(reverse("transfers:inbox", args=[world.school.pk])))
    assert _erase_url(received) not in inbox and "Er zijn geen ontvangen gegevens te wissen." in inbox


def test_bad_input_changes_nothing_and_says_why(world, login):
    t = sent(world)
    received = ReceivedTransfer.objects.get(transfer=t)
    director = login(world.user("director_school"))
    for data, message in [
        ({"confirm": "on"}, "Kies waarom u deze gegevens wist."),
        ({"reason": "not_needed"}, "Bevestig dat de inhoud definitief wordt verwijderd."),
        ({"reason": "consent_withdrawn", "confirm": "on"}, "Selecteer een geldige keuze."),  # no withdrawal
    ]:
        response = director.post(_erase_url(received), data, follow=True)
        assert response.status_code == 200 and message in _text(response), data
    with pytest.raises(ValidationError, match="geen toestemming ingetrokken"):
        services.received_erase(received=received, reason="consent_withdrawn", actor=world.user("director_school"))
    with pytest.raises(ValidationError, match="Kies waarom"):
        services.received_erase(received=received, reason="", actor=world.user("director_school"))
    received.refresh_from_db()
    assert not received.is_removed and received.content and _events(world, "transfer.received_erased") == 0

    assert director.post(_erase_url(received), {"reason": "not_needed", "confirm": "on"}).status_code == 302
    again = director.post(_erase_url(received), {"reason": "not_needed", "confirm": "on"}, follow=True)
    assert "Deze gegevens zijn al verwijderd op" in _text(again)
    assert _events(world, "transfer.received_erased") == 1

    by_law = ReceivedTransfer.objects.get(transfer=_vve_sent(world))
    response = director.post(_erase_url(by_law), {"reason": "erasure_request", "confirm": "on"}, follow=True)
    assert "grondslag c, wettelijke plicht" in _text(response)
    by_law.refresh_from_db()
    assert not by_law.is_removed and _events(world, "transfer.received_erased") == 1


def test_who_may_erase(world, login):
    received = ReceivedTransfer.objects.get(transfer=sent(world))
    _withdraw(world, received.transfer)
    url = _erase_url(received)
    for member, status in [
        ("staff_school", 403),  # opens the copy, does not handle rights
        ("po_school", 404),  # advises, decides nothing
        ("director_childcare", 404),  # another organisation
        ("staff_childcare", 404),
        ("parent_a", 404),
        ("stranger", 404),
        ("director_school", 200),  # last: erases it
    ]:
        client = login(world.user(member))
        assert client.get(url).status_code == status, member
        assert client.post(url, {"reason": "consent_withdrawn", "confirm": "on"}).status_code in (status, 302), member
        client.logout()
        received.refresh_from_db()
        assert received.is_removed == (member == "director_school"), member
    ReceivedTransfer.objects.filter(pk=received.pk).update(removed_at=None, removal="", removal_reason="")
    Membership.objects.filter(user=world.user("staff_school")).update(is_privacy_contact=True)
    contact = login(world.user("staff_school"))
    assert contact.get(url).status_code == 200
    assert "Gegevens wissen" in _text(contact.get(reverse("transfers:received-detail", args=[received.pk])))


def test_an_erasure_request_at_the_receiver_erases_the_copy_it_received_on_consent(world):
    t = sent(world, child=world.child_bso)
    received = ReceivedTransfer.objects.get(transfer=t)
    services.received_link(received=received, child=world.child_school, actor=world.user("staff_school"))
    request = rights_services.rights_request_submit(
        child=world.child_school, guardian=guardian(world, world.child_school, "Sanne"), kind="erasure",
        description="Wis wat de BSO over Emma stuurde.", actor=world.user("parent_a"),
    )  # fmt: skip
    rights_services.rights_request_erase(request=request, actor=world.user("director_school"))
    received.refresh_from_db()
    assert received.is_removed and received.removal == "receiver" and received.removal_reason == "erasure_request"
    request.refresh_from_db()
    assert "transfers_received_consent" in {e["key"] for e in request.erasure_result["erased"]}
    assert _events(world, "transfer.received_erased") == 1 and verify_chains().ok


# --- Art. 19: the sender corrects or erases ---------------------------------------------------------


def test_recipients_hear_of_a_correction_and_an_erasure_and_the_parents_see_to_whom(
    world, login, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://ikc.example"
    t = sent(world)
    received = ReceivedTransfer.objects.get(transfer=t)
    mail.outbox.clear()
    fixed = {"development_language": dict(received.content["development_language"], going_well="Gecorrigeerd.")}
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_rectify(transfer=t, contents=fixed, actor=world.user("staff_childcare"))
    by_person = {m.to[0]: m for m in mail.outbox}
    teacher, director = world.user("staff_school"), world.user("director_school")
    assert set(by_person) == {teacher.email, director.email}
    assert by_person[teacher.email].subject == "Een overdracht is gecorrigeerd door de verzender"
    note = by_person[director.email]
    assert note.subject == "Art. 19 AVG: Kinderopvang Test heeft verstrekte gegevens gecorrigeerd"
    assert "directeur of privacycontactpersoon" in note.body and "Noah" not in note.body
    assert "https://ikc.example/transfers/organisations/" in note.body
    notified = AuditEvent.objects.filter(organisation=world.school, action="transfer.receivers_notified")
    assert notified.count() == 2 and notified.filter(payload__contains='"handler":true').count() == 1
    page = _text(login(teacher).get(reverse("transfers:received-detail", args=[received.pk])))
    assert "De verzender heeft deze overdracht op" in page and "Gecorrigeerd." in page
    inbox = _text(login(director).get(reverse("transfers:inbox", args=[world.school.pk])))
    assert "Gecorrigeerd door Kinderopvang Test op" in inbox
    portal = _text(login(world.user("parent_a")).get(reverse("transfers:portal-transfer", args=[t.pk])))
    assert "Schoolbestuur Test heeft daarvan bericht gekregen (art. 19 AVG)" in portal

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_erase(transfer=t, reason="erasure_request", actor=world.user("director_childcare"))
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "Art. 19 AVG: Kinderopvang Test heeft verstrekte gegevens gewist",
        "Een overdracht is gewist door de verzender",
    ]
    page = _text(login(teacher).get(reverse("transfers:received-detail", args=[received.pk])))
    assert "Gewist op verzoek van de verzender (art. 17 en 19 AVG)" in page and "Gecorrigeerd." not in page
    inbox = _text(login(director).get(reverse("transfers:inbox", args=[world.school.pk])))
    assert "Gewist door Kinderopvang Test op" in inbox
    portal = _text(login(world.user("parent_a")).get(reverse("transfers:portal-transfer", args=[t.pk])))
    assert 'id="art19-erased"' in portal and "Zij kunnen de inhoud niet meer lezen." in portal


# --- The reminder ---------------------------------------------------------------------------------


def test_the_director_is_told_once_and_reminded_once_about_copies_to_erase(world, settings):
    settings.SITE_URL = "https://ikc.example"
    t = sent(world)
    received = ReceivedTransfer.objects.get(transfer=t)
    assert transfer_mail.erasure_due_notify() == 0
    _withdraw(world, t)
    mail.outbox.clear()
    assert tasks.housekeeping()["erase_notices"] == 1
    [note] = mail.outbox
    assert note.to == [world.user("director_school").email]
    assert note.subject == "Toestemming ingetrokken: ontvangen gegevens wissen" and "Noah" not in note.body
    assert transfer_mail.erasure_due_notify() == 0  # claimed: not again
    later = timezone.now() + datetime.timedelta(days=transfer_mail.ERASE_REMINDER_DAYS + 1)
    assert transfer_mail.erasure_due_notify(at=later) == 1
    assert mail.outbox[-1].subject == "Herinnering: ontvangen gegevens nog te wissen (toestemming ingetrokken)"
    assert transfer_mail.erasure_due_notify(at=later) == 0
    assert _events(world, "transfer.erasure_reminder_sent") == 2
    services.received_erase(received=received, reason="consent_withdrawn", actor=world.user("director_school"))
    assert withdrawals.erasure_due(ReceivedTransfer.objects.all()) == {}
