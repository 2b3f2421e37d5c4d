"""The access export before release (art. 15(4)): the other parent's decisions are never in
it; the director or a privacy contact reads every free text of the prepared export, keeps,
edits or leaves out each one, and releases it; the parent downloads only the released
version; review and release are audited with counts, never with the texts. Every refusal
names the remedy: objection under the Awb for an administrative authority, otherwise the
civil court (art. 35 UAVG), and always the Autoriteit Persoonsgegevens: on the pages, in
the audit event and in the export PDF, in Dutch and English."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from pypdf import PdfReader

from accountability.rights import export as rights_export
from accountability.rights import redaction
from accountability.rights import release as rights_release
from accountability.rights import rules as rights_rules
from accountability.rights import services as rights_services
from accountability.rights.models import RightsRequest
from consent import services as consent_services
from ikc_share.audit import audit_record
from ikc_share.models import AuditEvent, Guardian, Membership
from tests.builders import agreement_version, guardian, released_export, seed_emma

pytestmark = pytest.mark.pdf

MARKER_NL = "[weggelaten: rechten en vrijheden van anderen, art. 15 lid 4 AVG]"
MARKER_EN = "[left out: rights and freedoms of others, art. 15(4) GDPR]"
INCIDENT_TEXT = "De presentielijst van de BSO is in de bus blijven liggen."
CONTENT_TEXT = "Leest graag prentenboeken voor aan anderen."


@pytest.fixture
def seeded(world):
    return seed_emma(world)


def _text(field) -> str:
    with field.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _prepare(seeded):
    rights_export.export_build(request_id=seeded.request.pk)
    seeded.request.refresh_from_db()
    return seeded.request


def _review_form(texts) -> dict:
    """The posted review: every text as shown (the page prefilled them)."""
    return {f"text_{i}": t.text for i, t in enumerate(texts)}


def test_the_other_parents_decisions_and_events_are_left_out(world, seeded):
    # Mark's refusal as the consent service records it: an event about Emma naming Mark.
    audit_record(
        organisation=world.childcare,
        actor=world.user("parent_b"),
        action="consent.decided",
        payload={"child": seeded.child.pk, "guardian": seeded.mark.pk, "states": ["refused"]},
    )
    request = _prepare(seeded)
    data = rights_release.prepared_data(request)
    assert {d["by"] for d in data["consent_decisions"]} == {"you"}
    assert "refused" not in {d["state"] for d in data["consent_decisions"]}  # Mark refused: his decision
    assert {n["to"] for n in data["parent_notices"]} == {"you"}
    assert {o["by"] for o in data["objections"]} == {"you"}
    mark_events = set(AuditEvent.objects.filter(guardian_ref=seeded.mark.pk).values_list("seq", flat=True))
    assert mark_events and not mark_events & {e["seq"] for e in data["audit_events"]}
    assert "een andere ouder" not in json.dumps(data["audit_events"], ensure_ascii=False)


def test_director_reviews_every_free_text_and_releases_a_redacted_export(
    world, seeded, login, django_capture_on_commit_callbacks
):
    request = _prepare(seeded)
    director = login(world.user("director_childcare"))
    url = f"/consent/requests/{request.pk}/export/review/"
    page = director.get(url).content.decode()
    texts = redaction.free_texts(rights_release.prepared_data(request))
    assert {t.text for t in texts} >= {INCIDENT_TEXT, CONTENT_TEXT}
    assert INCIDENT_TEXT in page and CONTENT_TEXT in page and "Datalekken" in page and MARKER_NL in page
    # Not before the review: the director cannot fulfil, the parent cannot download.
    with pytest.raises(ValidationError, match="Controleer eerst de vrije teksten"):
        rights_services.rights_request_set_status(
            request=request, status="fulfilled", message="", actor=world.user("director_childcare")
        )
    incident = next(i for i, t in enumerate(texts) if t.text == INCIDENT_TEXT)
    content = next(i for i, t in enumerate(texts) if t.text == CONTENT_TEXT)
    form = _review_form(texts) | {
        "sha256": request.export_sha256,
        f"omit_{incident}": "on",
        f"text_{content}": "Leest graag prentenboeken voor.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = director.post(url, form)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.export_status == RightsRequest.ExportStatus.RELEASED
    assert request.export_reviewed_by == world.user("director_childcare")
    released = json.loads(request.released_json.read().decode())
    assert released["incidents"][0]["what_happened"] == MARKER_NL
    content_path = texts[content].path
    assert released[content_path[0]][content_path[1]]["content"]["development_language"]["going_well"] == (
        "Leest graag prentenboeken voor."
    )
    assert released["release"]["texts_left_out"] == 1 and released["release"]["texts_edited"] == 1
    assert rights_release.prepared_data(request)["incidents"][0]["what_happened"] == INCIDENT_TEXT  # kept as prepared
    # Audited with ids and counts, never the texts.
    reviewed = AuditEvent.objects.get(action="rights_request.export_reviewed")
    payload = json.loads(reviewed.payload)
    assert (payload["redacted"], payload["edited"], payload["texts"]) == (1, 1, len(texts))
    released_event = AuditEvent.objects.get(action="rights_request.export_released")
    assert json.loads(released_event.payload)["sha256"] == request.released_sha256
    for event in (reviewed, released_event):
        assert "presentielijst" not in event.canonical and "prentenboeken" not in event.canonical
    detail = director.get(f"/consent/requests/{request.pk}/").content.decode()
    assert "1 tekst(en) weggelaten, 1 aangepast" in detail

    # The parent downloads the released version once the request is fulfilled.
    rights_services.rights_request_set_status(
        request=request, status="fulfilled", message="Zie het portaal.", actor=world.user("director_childcare")
    )
    parent = login(world.user("parent_a"))
    response = parent.get(f"/portal/requests/{request.pk}/export.json")
    data = json.loads(b"".join(response.streaming_content))
    assert data["incidents"][0]["what_happened"] == MARKER_NL and INCIDENT_TEXT not in json.dumps(data)
    text = _text(request.released_pdf)
    assert MARKER_NL in text and "Leest graag prentenboeken voor." in text and INCIDENT_TEXT not in text
    assert "weggelaten (1) of aangepast (1)" in text
    # The export is a decision on the request: the PDF names the remedy (civil route by default).
    assert "verzoekschrift" in text and "art. 35 UAVG" in text and "Autoriteit Persoonsgegevens" in text
    portal = parent.get(f"/portal/requests/{request.pk}/").content.decode()
    assert "Niet eens met deze beslissing?" in portal and "art. 35 UAVG" in portal


def test_released_export_in_english(world, seeded):
    Guardian.objects.filter(pk=seeded.sanne.pk).update(language="en")
    request = released_export(
        seeded.request,
        world.user("director_childcare"),
        answers={"/incidents/0/what_happened": None},
    )
    data = json.loads(request.released_json.read().decode())
    assert data["incidents"][0]["what_happened"] == MARKER_EN
    text = _text(request.released_pdf)
    assert MARKER_EN in text and INCIDENT_TEXT not in text
    assert "left out (1) or edited (0)" in text
    assert "petition" in text and "art. 35 UAVG" in text and "Autoriteit Persoonsgegevens" in text


def test_only_handlers_review_and_a_stale_review_is_refused(world, seeded, login):
    request = _prepare(seeded)
    url = f"/consent/requests/{request.pk}/export/review/"
    assert login(world.user("po_childcare")).get(url).status_code == 403  # the FG advises, decides nothing
    assert login(world.user("staff_childcare")).get(url).status_code == 403
    Membership.objects.filter(user=world.user("staff_childcare")).update(is_privacy_contact=True)
    assert login(world.user("staff_childcare")).get(url).status_code == 200  # a privacy contact handles
    texts = redaction.free_texts(rights_release.prepared_data(request))
    answers = {t.pointer: t.text for t in texts}
    with pytest.raises(ValidationError, match="opnieuw verzameld"):
        rights_services.rights_request_export_release(
            request=request, sha256="0" * 64, answers=answers, actor=world.user("director_childcare")
        )
    with pytest.raises(ValidationError, match="hoort niet bij"):
        rights_services.rights_request_export_release(
            request=request,
            sha256=request.export_sha256,
            answers={"/nope": None},
            actor=world.user("director_childcare"),
        )
    request.refresh_from_db()
    assert request.export_status == RightsRequest.ExportStatus.READY
    assert not AuditEvent.objects.filter(action="rights_request.export_reviewed").exists()
    # Staff download the prepared version as a draft; the parent gets nothing yet.
    response = login(world.user("director_childcare")).get(f"/consent/requests/{request.pk}/export.pdf")
    assert response.status_code == 200 and "inzage-concept-" in response["Content-Disposition"]
    assert login(world.user("parent_a")).get(f"/portal/requests/{request.pk}/export.pdf").status_code == 404


def test_nothing_prepared_to_review_is_a_message_not_an_error(world, seeded, login):
    director = login(world.user("director_childcare"))
    response = director.get(f"/consent/requests/{seeded.request.pk}/export/review/", follow=True)
    assert response.status_code == 200
    assert "Er is nog geen inzage om te controleren" in response.content.decode()


# --- The remedy against a refusal -------------------------------------------------------------


def test_remedy_sentence_per_route_in_dutch_and_english():
    civil = rights_rules.refusal_remedy(route=rights_rules.CIVIL, controller="Kinderopvang X")
    awb = rights_rules.refusal_remedy(route=rights_rules.AWB, controller="Schoolbestuur Y")
    assert "zes weken" in civil and "verzoekschrift" in civil and "art. 35 UAVG" in civil
    assert "bezwaar maken bij Schoolbestuur Y" in awb and "Algemene wet bestuursrecht" in awb
    assert "bestuursrechter" in awb and "art. 34 UAVG" in awb
    for sentence in (civil, awb):
        assert "klacht indienen bij de Autoriteit Persoonsgegevens" in sentence
    with translation.override("en"):
        civil = rights_rules.refusal_remedy(route=rights_rules.CIVIL, controller="Kinderopvang X")
        awb = rights_rules.refusal_remedy(route=rights_rules.AWB, controller="Schoolbestuur Y")
    assert "six weeks" in civil and "petition" in civil and "art. 35 UAVG" in civil
    assert "objection" in awb and "General Administrative Law Act" in awb and "administrative court" in awb
    assert "complaint with the Autoriteit Persoonsgegevens" in civil and "Autoriteit Persoonsgegevens" in awb


def test_a_rejected_request_names_the_remedy_of_the_organisations_kind(world, login):
    child = world.child_school
    parent_guardian = guardian(world, child, "Sanne")
    director = world.user("director_school")
    # The school's director records that the board is an administrative authority (openbaar onderwijs).
    response = login(director).post(
        f"/organisations/{world.school.pk}/register/controller/", {"public_authority": "on"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="register.controller_updated", organisation=world.school).exists()
    request = rights_services.rights_request_submit(
        child=child, guardian=parent_guardian, kind="erasure", description="", actor=world.user("parent_a")
    )
    rights_services.rights_request_set_status(
        request=request, status="rejected", message="Het kind staat nog ingeschreven.", actor=director
    )
    event = AuditEvent.objects.filter(action="rights_request.status_changed").latest("id")
    assert json.loads(event.payload)["remedy"] == "awb"
    portal = login(world.user("parent_a")).get(f"/portal/requests/{request.pk}/").content.decode()
    assert "Niet eens met deze beslissing?" in portal
    assert f"bezwaar maken bij {world.school.name}" in portal and "bestuursrechter" in portal
    assert "Autoriteit Persoonsgegevens" in portal
    staff = login(director).get(f"/consent/requests/{request.pk}/").content.decode()
    assert "Rechtsmiddel (getoond aan de ouder)" in staff and "Algemene wet bestuursrecht" in staff
    # In English for an English-speaking parent.
    client = login(world.user("parent_a"))
    client.cookies["django_language"] = "en"
    english = client.get(f"/portal/requests/{request.pk}/").content.decode()
    assert "Do you disagree with this decision?" in english and "administrative court" in english


def test_a_rejected_objection_request_names_the_civil_route(world, login):
    version = agreement_version(world, basis="f", title="BSO en school")
    client = login(world.user("parent_a"))
    client.post(
        "/portal/requests/new/",
        {"child": world.child_daycare.pk, "kind": "objection", "version": version.pk, "description": "Niet nodig."},
    )
    request = RightsRequest.objects.get()
    consent_services.objection_decide(
        objection=request.objection,
        uphold=False,
        reason="Nodig voor de opvang.",
        actor=world.user("director_childcare"),
    )
    portal = client.get(f"/portal/requests/{request.pk}/").content.decode()
    assert "Afgewezen" in portal and "verzoekschrift" in portal and world.childcare.name in portal
    assert "Autoriteit Persoonsgegevens" in portal
