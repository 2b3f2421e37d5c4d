"""The portal and staff pages as a user sees them: decide in one tap, the explicit tick,
per-category choices, withdrawing with one confirmation, the history, guardians without
authority, another family's child (404), the coverage page, paper decisions, told
withdrawals, notices, objections decided by the director only, exports."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentDecision, Objection, ParentNotice
from ikc_share.models import AuditEvent, Guardian, Guardianship
from tests.builders import agreement_version, fake_letter, guardian, inform_all, other_family_child


@pytest.fixture
def version(world):
    v = agreement_version(world)  # whole agreement, with the special category "health"
    fake_letter(v, "nl")
    fake_letter(v, "en")
    return v


@pytest.fixture
def per_category(world):
    v = agreement_version(world, per_category=True, title="Per onderdeel")
    fake_letter(v, "nl")
    return v


def _text(page: str) -> str:
    """The page as words: a state's badge and the rest of its sentence are two elements."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def _decide_url(world, version, child=None):
    return reverse("consent:portal-decide", args=[(child or world.child_daycare).pk, version.pk])


def _post(client, url, choice, **data):
    page = client.get(url)
    letter = page.context["form"]["letter"].value()
    return client.post(url, {"letter": letter, "choice": choice, **data})


def test_the_decide_page_shows_the_letter_and_two_buttons(world, version, login):
    client = login(world.user("parent_a"))
    page = client.get(_decide_url(world, version)).content.decode()
    assert "Brief over" in page  # the stored letter body, as on the PDF
    assert reverse("agreements:letter-public-pdf", args=[fake_letter(version).public_token]) in page
    assert "Ja, ik geef toestemming" in page and "Nee, ik geef geen toestemming" in page
    assert "Ja, ook voor de gegevens over gezondheid, allergieën en medicatie" in page


def test_one_tap_gives_consent(world, version, login):
    client = login(world.user("parent_a"))
    response = _post(client, _decide_url(world, version), "yes")
    assert response.status_code == 302 and response.url == reverse(
        "consent:portal-child", args=[world.child_daycare.pk]
    )
    (d,) = ConsentDecision.objects.all()
    assert d.state == "given" and not d.explicit and d.channel == "portal"
    assert d.letter_sha256 == fake_letter(version).sha256 and d.recorded_by == world.user("parent_a")
    page = client.get(response.url).content.decode()
    assert "Uw toestemming is vastgelegd" in page and "Toestemming van Sanne" in _text(page)
    assert "Toestemming intrekken" in page


def test_the_explicit_tick_is_recorded(world, version, login):
    client = login(world.user("parent_a"))
    _post(client, _decide_url(world, version), "yes", explicit="on")
    assert ConsentDecision.objects.get().explicit


def test_no_records_a_refusal(world, version, login):
    client = login(world.user("parent_b"))
    _post(client, _decide_url(world, version), "no")
    d = ConsentDecision.objects.get()
    assert d.state == "refused" and d.guardian.first_name == "Mark"


def test_the_page_in_english_records_the_english_letter(world, version, login):
    client = login(world.user("parent_a"))
    client.cookies["django_language"] = "en"
    page = client.get(_decide_url(world, version)).content.decode()
    assert "(en)" in page
    _post(client, _decide_url(world, version), "yes")
    d = ConsentDecision.objects.get()
    assert d.language == "en" and d.letter_sha256 == fake_letter(version, "en").sha256


def test_per_category_choices(world, per_category, login):
    client = login(world.user("parent_a"))
    url = _decide_url(world, per_category)
    page = client.get(url).content.decode()
    assert "Ja, ook voor de gegevens over gezondheid" in page
    # The big yes: every non-special category not answered no; health only when chosen.
    _post(client, url, "yes", cat_development_language="no")
    rows = {d.category.code: (d.state, d.explicit) for d in ConsentDecision.objects.all()}
    assert rows == {"identification": ("given", False), "development_language": ("refused", False)}
    _post(client, url, "save", cat_health="yes")
    assert ConsentDecision.objects.filter(category__code="health").get().explicit


def test_withdrawing_takes_one_button_and_one_confirmation(world, version, login):
    client = login(world.user("parent_a"))
    _post(client, _decide_url(world, version), "yes")
    child_page = client.get(reverse("consent:portal-child", args=[world.child_daycare.pk])).content.decode()
    withdraw_url = reverse("consent:portal-withdraw", args=[world.child_daycare.pk, version.pk])
    assert withdraw_url in child_page
    confirm = client.get(withdraw_url).content.decode()
    assert "niet ongedaan gemaakt" in confirm and "reden" in confirm
    response = client.post(withdraw_url)
    assert response.status_code == 302
    assert ConsentDecision.objects.latest("pk").state == "withdrawn"
    page = client.get(response.url).content.decode()
    assert "Ingetrokken door Sanne op" in _text(page)
    assert page.count("ingetrokken") >= 1  # the history lists it


def test_the_history_shows_every_decision(world, version, login):
    client = login(world.user("parent_a"))
    _post(client, _decide_url(world, version), "yes")
    _post(client, _decide_url(world, version), "no")
    page = client.get(reverse("consent:portal-child", args=[world.child_daycare.pk])).content.decode()
    assert "toestemming gegeven" in page and "ingetrokken" in page


@pytest.fixture
def erik(world):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username="erik", email="erik@example.nl")
    g = Guardian.objects.create(
        organisation=world.childcare, first_name="Erik", last_name="Hendriks", email=user.email, user=user
    )
    Guardianship.objects.create(guardian=g, child=world.child_daycare, has_parental_authority=False)
    return user


def test_a_guardian_without_authority_reads_but_does_not_decide(world, version, login, erik):
    ConsentDecision.objects.create(
        child=world.child_daycare,
        guardian=guardian(world, world.child_daycare, "Sanne"),
        version=version,
        state="given",
        decided_at=timezone.now(),
        channel="portal",
        language="nl",
        guardian_policy="one",
        submission="00000000-0000-0000-0000-000000000002",
    )
    client = login(erik)
    page = client.get(_decide_url(world, version)).content.decode()
    assert "Brief over" in page and "Ja, ik geef toestemming" not in page and "geen ouderlijk gezag" in page
    assert "Toestemming van Sanne" not in _text(page)
    assert client.post(_decide_url(world, version), {"choice": "yes", "letter": 1}).status_code == 403
    child_page = client.get(reverse("consent:portal-child", args=[world.child_daycare.pk])).content.decode()
    assert "Geschiedenis" not in child_page and "Toestemming van Sanne" not in _text(child_page)
    for name in ("portal-withdraw",):
        assert client.get(reverse(f"consent:{name}", args=[world.child_daycare.pk, version.pk])).status_code == 403
    assert client.get(reverse("consent:portal-export", args=[world.child_daycare.pk, "json"])).status_code == 403
    assert ConsentDecision.objects.count() == 1


def test_a_parent_never_sees_another_familys_child(world, version, login):
    sem = other_family_child(world)
    client = login(world.user("parent_a"))
    for url in [
        reverse("consent:portal-child", args=[sem.pk]),
        _decide_url(world, version, sem),
        reverse("consent:portal-withdraw", args=[sem.pk, version.pk]),
        reverse("consent:portal-export", args=[sem.pk, "json"]),
        reverse("consent:portal-export", args=[sem.pk, "pdf"]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(_decide_url(world, version, sem), {"choice": "yes"}).status_code == 404
    assert "Sem" not in client.get(reverse("consent:portal-home")).content.decode()


def test_a_version_of_another_organisation_is_not_found(world, login):
    school_version = agreement_version(world, sender=world.school, receiver=world.childcare, title="School → BSO")
    client = login(world.user("parent_a"))
    assert client.get(_decide_url(world, school_version)).status_code == 404
    # ... but through the school's own record of Emma, it is there.
    fake_letter(school_version)
    assert client.get(_decide_url(world, school_version, world.child_school)).status_code == 200


def test_objecting_in_the_portal_and_the_directors_answer(world, login):
    f = agreement_version(world, basis="f", title="Gerechtvaardigd belang")
    fake_letter(f)
    client = login(world.user("parent_b"))
    url = reverse("consent:portal-object", args=[world.child_daycare.pk, f.pk])
    assert client.post(url, {"explanation": "Wij willen dit niet."}).status_code == 302
    objection = Objection.objects.get()
    assert objection.status == "pending" and objection.guardian.first_name == "Mark"
    detail = reverse("consent:objection-detail", args=[objection.pk])
    # The privacy officer reads, but does not decide; staff neither.
    for who in ("po_childcare", "staff_childcare"):
        c = login(world.user(who))
        assert c.get(detail).status_code == 200
        assert c.post(detail, {"decision": "uphold", "reason": "x"}).status_code == 403
    director = login(world.user("director_childcare"))
    assert director.post(detail, {"decision": "uphold", "reason": "U heeft gelijk."}).status_code == 302
    objection.refresh_from_db()
    assert objection.status == "upheld"
    parent = login(world.user("parent_b"))
    page = parent.get(reverse("consent:portal-child", args=[world.child_daycare.pk])).content.decode()
    assert "U heeft gelijk." in page


def test_object_only_under_e_or_f(world, version, login):
    client = login(world.user("parent_a"))
    assert client.get(reverse("consent:portal-object", args=[world.child_daycare.pk, version.pk])).status_code == 404


# --- Staff ---------------------------------------------------------------------------------------------


def test_coverage_page_states_in_words_and_filter(world, version, login):
    noah = world.child_daycare
    inform_all(version, noah)
    ConsentDecision.objects.create(
        child=noah,
        guardian=guardian(world, noah, "Sanne"),
        version=version,
        state="given",
        explicit=True,
        decided_at=timezone.now(),
        channel="portal",
        language="nl",
        guardian_policy="one",
        submission="00000000-0000-0000-0000-000000000003",
    )
    ConsentDecision.objects.create(
        child=noah,
        guardian=guardian(world, noah, "Mark"),
        version=version,
        state="refused",
        decided_at=timezone.now(),
        channel="portal",
        language="nl",
        guardian_policy="one",
        submission="00000000-0000-0000-0000-000000000004",
    )
    client = login(world.user("director_childcare"))
    url = reverse("consent:coverage", args=[version.pk])
    page = client.get(url).content.decode()
    assert "Toestemming van Sanne; geweigerd door Mark" in page and "Ouders oneens" in page
    assert "Nog geen antwoord van Sanne en Mark" in _text(page)  # Emma at the BSO: the badge, then the rest
    filtered = client.get(url, {"group": "BSO Onderbouw"}).content.decode()
    assert "Noah" not in filtered and "Emma" in filtered
    # Staff of the daycare see only the daycare's children.
    staff_page = login(world.user("staff_childcare")).get(url).content.decode()
    assert "Noah" in staff_page and "Emma" not in staff_page


def test_start_a_round_from_the_page(world, version, login, django_capture_on_commit_callbacks):
    client = login(world.user("staff_childcare"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consent:round-start", args=[version.pk]), {"location": "", "group_name": ""})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Verstuurd" in page
    # staff_childcare works at the daycare only: Noah's parents, not Emma's (BSO).
    from django.core import mail

    assert len(mail.outbox) == 2 and all("Noah" in m.body and "Emma" not in m.body for m in mail.outbox)


def test_paper_decision_with_scan(world, version, login):
    client = login(world.user("staff_childcare"))
    url = reverse("consent:paper-decision", args=[world.child_daycare.pk, version.pk])
    sanne = guardian(world, world.child_daycare, "Sanne")
    scan = SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client.post(
        url, {"guardian": sanne.pk, "state": "given", "explicit": "on", "decided_on": "2026-01-15", "scan": scan}
    )
    assert response.status_code == 302
    d = ConsentDecision.objects.get()
    assert d.channel == "paper" and d.explicit and d.decided_at.date().isoformat() == "2026-01-15"
    page = client.get(reverse("consent:child-consent", args=[world.child_daycare.pk])).content.decode()
    assert reverse("consent:decision-scan", args=[d.pk]) in page
    assert client.get(reverse("consent:decision-scan", args=[d.pk])).status_code == 200


def test_paper_decision_refuses_a_text_file_without_writing(world, version, login):
    client = login(world.user("staff_childcare"))
    url = reverse("consent:paper-decision", args=[world.child_daycare.pk, version.pk])
    scan = SimpleUploadedFile("form.txt", b"not a scan", content_type="text/plain")
    response = client.post(
        url,
        {
            "guardian": guardian(world, world.child_daycare, "Sanne").pk,
            "state": "given",
            "decided_on": "2026-01-15",
            "scan": scan,
        },
    )
    assert response.status_code == 200 and "PDF, JPEG of PNG" in response.content.decode()
    assert not ConsentDecision.objects.exists()


def test_a_withdrawal_told_by_phone_is_recorded_at_once(world, version, login):
    mark = guardian(world, world.child_daycare, "Mark")
    ConsentDecision.objects.create(
        child=world.child_daycare,
        guardian=mark,
        version=version,
        state="given",
        decided_at=timezone.now(),
        channel="portal",
        language="nl",
        guardian_policy="one",
        submission="00000000-0000-0000-0000-000000000005",
    )
    client = login(world.user("staff_childcare"))
    url = reverse("consent:staff-withdraw", args=[world.child_daycare.pk, version.pk])
    assert "handtekening is niet nodig" in client.get(url).content.decode()
    assert client.post(url, {"guardian": mark.pk, "told_via": "phone"}).status_code == 302
    d = ConsentDecision.objects.latest("pk")
    assert d.state == "withdrawn" and d.channel == "staff" and d.told_via == "phone"
    assert login(world.user("po_childcare")).post(url, {"guardian": mark.pk, "told_via": "phone"}).status_code == 403


def test_record_a_meeting_as_notice(world, version, login):
    client = login(world.user("staff_childcare"))
    url = reverse("consent:notice-record", args=[world.child_daycare.pk, version.pk])
    mark = guardian(world, world.child_daycare, "Mark")
    assert (
        client.post(url, {"guardian": mark.pk, "how": "meeting", "on": timezone.localdate().isoformat()}).status_code
        == 302
    )
    n = ParentNotice.objects.get()
    assert n.how == "meeting" and n.letter_sha256 == fake_letter(version).sha256


def test_the_staff_child_page_shows_the_consent_section(world, version, login):
    page = login(world.user("staff_childcare")).get(reverse("ikc_share:child-detail", args=[world.child_daycare.pk]))
    assert "Toestemming en informeren" in page.content.decode()


# --- Export ---------------------------------------------------------------------------------------------


def _give(world, version):
    noah = world.child_daycare
    inform_all(version, noah)
    ConsentDecision.objects.create(
        child=noah,
        guardian=guardian(world, noah, "Sanne"),
        version=version,
        state="given",
        explicit=True,
        decided_at=timezone.now(),
        channel="portal",
        language="nl",
        guardian_policy="one",
        letter=fake_letter(version),
        letter_sha256=fake_letter(version).sha256,
        submission="00000000-0000-0000-0000-000000000006",
    )


def test_export_json_follows_27560_and_dpv(world, version, login):
    _give(world, version)
    client = login(world.user("po_childcare"))
    response = client.get(reverse("consent:staff-export", args=[world.child_daycare.pk, "json"]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["schema_version"].startswith("ISO/IEC TS 27560") and data["@context"]["dpv"] == "https://w3id.org/dpv#"
    record = next(r for r in data["records"] if r["agreement"]["id"] == version.agreement_id)
    purpose = record["pii_processing"]["purposes"][0]
    for key in (
        "purpose",
        "lawful_basis",
        "pii_information",
        "pii_controllers",
        "recipient_third_parties",
        "retention_period",
        "withdrawal_method",
    ):
        assert purpose[key], key
    assert purpose["lawful_basis"] == "eu-gdpr:A6-1-a" and purpose["retention_period"] == "P24M"
    assert record["notice"][0]["notice_hash"]["value"] and record["notice"][0]["language"]
    event = record["event"][0]
    assert event["state"] == "given" and event["dpv:hasConsentStatus"] == "dpv:ConsentGiven"
    assert event["type"] == "explicit" and event["event_time"] and event["entity_id"].startswith("guardian-")
    assert event["notice_hash"] == fake_letter(version).sha256
    assert record["state"] == "given"
    assert AuditEvent.objects.filter(action="consent.record_exported").exists()


def test_staff_cannot_export_but_the_parent_can(world, version, login):
    assert (
        login(world.user("staff_childcare"))
        .get(reverse("consent:staff-export", args=[world.child_daycare.pk, "json"]))
        .status_code
        == 403
    )
    response = login(world.user("parent_b")).get(
        reverse("consent:portal-export", args=[world.child_daycare.pk, "json"])
    )
    assert response.status_code == 200 and json.loads(response.content)["pii_principal_id"].startswith("child-")


@pytest.mark.pdf
def test_export_pdf_is_readable(world, version, login):
    from tests.letters.conftest import pdf_text

    _give(world, version)
    response = login(world.user("parent_a")).get(reverse("consent:portal-export", args=[world.child_daycare.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert (
        "Toestemmingsdossier" in text and "Noah" in text and fake_letter(version).sha256[:16] in text.replace(" ", "")
    )


def test_unknown_export_format(world, login):
    client = login(world.user("parent_a"))
    assert client.get(reverse("consent:portal-export", args=[world.child_daycare.pk, "xml"])).status_code == 404
