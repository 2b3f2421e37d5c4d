"""Issue 18.1: a parent who reads the letter in the portal and decides is informed by it.
The decision records a notice (how: the portal, the letter's SHA-256), so the staff child
page no longer says the parent was not informed; without it, the page links to asking the
parents."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from consent.models import ConsentDecision, ParentNotice
from ikc_share.models import AuditEvent
from tests.builders import agreement_version, fake_letter, guardian, inform_all


@pytest.fixture
def version(world):
    v = agreement_version(world, codes=["identification", "development_language"])
    fake_letter(v, "nl")
    return v


def _decide(client, world, version, choice="yes", letter=None):
    url = reverse("consent:portal-decide", args=[world.child_daycare.pk, version.pk])
    page = client.get(url)
    shown = page.context["form"]["letter"].value() if letter is None else letter
    return client.post(url, {"letter": shown, "choice": choice})


def _staff_page(client, world) -> str:
    return client.get(reverse("consent:child-consent", args=[world.child_daycare.pk])).content.decode()


def test_the_staff_page_first_says_not_informed_and_links_to_asking_the_parents(world, version, login):
    page = _staff_page(login(world.user("director_childcare")), world)
    assert "Sanne is nog niet geïnformeerd over versie" in page
    assert reverse("consent:round-start", args=[version.pk]) in page
    assert "Ouders om toestemming vragen" in page


def test_deciding_after_reading_the_letter_in_the_portal_records_the_notice(world, version, login):
    response = _decide(login(world.user("parent_a")), world, version)
    assert response.status_code == 302
    sanne = guardian(world, world.child_daycare, "Sanne")
    (notice,) = ParentNotice.objects.all()
    letter = fake_letter(version)
    assert (notice.guardian, notice.child, notice.version, notice.how) == (
        sanne,
        world.child_daycare,
        version,
        ParentNotice.How.PORTAL,
    )
    assert notice.letter == letter and notice.letter_sha256 == letter.sha256
    event = AuditEvent.objects.filter(action="consent.decided").latest("pk")
    assert json.loads(event.payload)["notice"] == notice.pk

    page = _staff_page(login(world.user("director_childcare")), world)
    assert "Sanne is nog niet geïnformeerd" not in page
    assert "Mark is nog niet geïnformeerd" in page  # the other parent still has to be informed
    assert "Brief gelezen in het ouderportaal" in page  # the list of notices says how


def test_a_refusal_after_reading_informs_too(world, version, login):
    _decide(login(world.user("parent_b")), world, version, choice="no")
    assert ConsentDecision.objects.get().state == "refused"
    assert ParentNotice.objects.get().guardian.first_name == "Mark"


def test_both_parents_informed_in_the_portal_clear_the_reason_and_the_link(world, version, login, client):
    _decide(login(world.user("parent_a")), world, version)
    client.logout()
    _decide(login(world.user("parent_b")), world, version)
    page = _staff_page(login(world.user("director_childcare")), world)
    assert "nog niet geïnformeerd" not in page
    assert reverse("consent:round-start", args=[version.pk]) not in page


def test_deciding_again_records_no_second_notice(world, version, login):
    client = login(world.user("parent_a"))
    _decide(client, world, version)
    _decide(client, world, version, choice="no")
    assert ParentNotice.objects.count() == 1
    assert ConsentDecision.objects.count() == 2


def test_an_earlier_notice_is_kept_and_none_is_added(world, version, login):
    inform_all(version, world.child_daycare)
    before = set(ParentNotice.objects.values_list("pk", flat=True))
    _decide(login(world.user("parent_a")), world, version)
    assert set(ParentNotice.objects.values_list("pk", flat=True)) == before


def test_without_the_letter_shown_no_notice_is_recorded(world, version, login):
    """A form that does not name the letter of this version (an old page, a tampered field)
    still records the decision, with the generic letter, but proves no informing."""
    response = _decide(login(world.user("parent_a")), world, version, letter=999999)
    assert response.status_code == 302
    assert ConsentDecision.objects.get().letter_sha256 == fake_letter(version).sha256
    assert not ParentNotice.objects.exists()


def test_a_paper_decision_records_no_portal_notice(world, version, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.user("staff_childcare"))
    sanne = guardian(world, world.child_daycare, "Sanne")
    url = reverse("consent:paper-decision", args=[world.child_daycare.pk, version.pk])
    scan = SimpleUploadedFile("formulier.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    response = client.post(url, {"guardian": sanne.pk, "state": "given", "decided_on": "2026-01-05", "scan": scan})
    assert response.status_code in (200, 302)
    assert not ParentNotice.objects.filter(how="portal").exists()


def test_the_child_page_section_links_to_asking_the_parents(world, version, login):
    client = login(world.user("staff_childcare"))
    page = client.get(reverse("ikc_share:child-detail", args=[world.child_daycare.pk])).content.decode()
    assert reverse("consent:round-start", args=[version.pk]) in page
    # The privacy officer may not start a round: no link for them.
    client = login(world.user("po_childcare"))
    page = client.get(reverse("ikc_share:child-detail", args=[world.child_daycare.pk])).content.decode()
    assert reverse("consent:round-start", args=[version.pk]) not in page
