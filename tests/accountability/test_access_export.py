"""The answer to an access request (art. 15): every kind of record the organisation holds
about the child and the requesting parent, in the JSON and in the PDF; nothing of another
child; the other parent's personal data left out (art. 15(4)); openings and staff actions
by function title and organisation, never by name."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from accountability.rights import export as rights_export
from accountability.rights import services as rights_services
from accountability.rights.models import RightsRequest
from tests.builders import released_export, seed_emma

pytestmark = pytest.mark.pdf

SECTIONS = [
    "child", "guardians", "processing", "consent_decisions", "parent_notices", "letters", "objections",
    "transfers_sent", "transfers_received", "rights_requests", "incidents", "audit_events",
]  # fmt: skip


@pytest.fixture
def seeded(world):
    return seed_emma(world)


def _staff_names(world) -> list[str]:
    names = []
    for member in ("director_childcare", "staff_childcare", "po_childcare", "director_school", "staff_school"):
        user = world.user(member)
        names.append(user.get_full_name())
    return names


def test_every_kind_of_record_is_in_the_json(world, seeded):
    data = rights_export.access_export(request=seeded.request)
    for section in SECTIONS:
        assert data[section], f"section {section} is empty"
    assert data["child"]["first_name"] == "Emma" and data["child"]["id"] == seeded.child.pk
    # Guardians: the requester in full, the other parent only as "another guardian".
    you = [g for g in data["guardians"] if g["you"]]
    others = [g for g in data["guardians"] if not g["you"]]
    assert you[0]["first_name"] == "Sanne" and you[0]["email"] == "parent_a@example.nl"
    assert others and all(set(g) == {"you", "relation", "has_parental_authority", "personal_data"} for g in others)
    # Only the requester's own consent decisions: the other parent's (Mark refused) are left out.
    assert {d["by"] for d in data["consent_decisions"]} == {"you"}
    assert {d["state"] for d in data["consent_decisions"]} == {"given"}
    assert {n["to"] for n in data["parent_notices"]} == {"you"}
    assert data["letters"][0]["sha256"] and data["letters"][0]["link"].startswith("http")
    assert data["objections"][0]["status"] == "pending"
    # Transfers: sent (content held by the receiver, only its hash here) and received (content here).
    sent = data["transfers_sent"][0]
    assert sent["other_organisation"] == world.school.name and sent["content_sha256"]
    assert sent["opened"] == [
        {"at": sent["opened"][0]["at"], "role": "Leerkracht groep 1-2", "organisation": world.school.name}
    ]
    received = data["transfers_received"][0]
    assert received["content"]["development_language"]["going_well"].startswith("Leest graag")
    assert received["opened"][0]["role"] == "Pedagogisch medewerker BSO"
    assert data["rights_requests"][0]["id"] == seeded.request.pk
    assert data["incidents"][0]["what_happened"].startswith("De presentielijst")
    assert any("bekeek het dossier van Emma J." in e["what"] for e in data["audit_events"])


def test_nothing_of_another_child_or_the_other_parent_or_staff_names(world, seeded):
    data = rights_export.access_export(request=seeded.request)
    text = json.dumps(data, ensure_ascii=False)
    assert "Noah" not in text
    assert "Foto van Noah" not in text and "verkeerde map" not in text
    assert "Mark" not in text and "parent_b@example.nl" not in text
    for name in _staff_names(world):
        assert name not in text
    assert all(e["who"] != world.user("director_childcare").get_full_name() for e in data["audit_events"])
    noah_decisions = set(seeded.other_child.consent_decisions.values_list("pk", flat=True))
    assert not noah_decisions & {d["id"] for d in data["consent_decisions"]}


def test_export_is_stored_and_the_pdf_reads_the_same(world, seeded):
    request = rights_export.export_build(request_id=seeded.request.pk)
    assert request.export_status == RightsRequest.ExportStatus.READY
    stored = json.loads(request.export_json.read().decode())
    assert stored["child"]["first_name"] == "Emma" and stored["transfers_received"]
    reader = PdfReader(io.BytesIO(request.export_pdf.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in ["Emma", "Leerkracht groep 1-2", world.school.name, "Leest graag", "De presentielijst", "Sanne"]:
        assert expected in text, expected
    for absent in ["Noah", "Mark", *_staff_names(world)]:
        assert absent not in text, absent


def test_parent_downloads_the_export_in_the_portal_once_fulfilled(world, seeded, client):
    released_export(seeded.request, world.user("director_childcare"))
    client.force_login(world.user("parent_a"))
    url = f"/portal/requests/{seeded.request.pk}/export.pdf"
    assert client.get(url).status_code == 404  # not before the director fulfils it
    seeded.request.refresh_from_db()
    rights_services.rights_request_set_status(
        request=seeded.request, status="fulfilled", message="Zie de bijlage.", actor=world.user("director_childcare")
    )
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(world.user("parent_b"))  # the other parent: not their request
    assert client.get(url).status_code == 404
