"""The register of processing activities (art. 30), generated from the active agreements
and the organisation's own base processing; security text by the director; CSV and PDF."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from accountability import register
from tests.builders import agreement_version


@pytest.fixture
def version(world):
    return agreement_version(world, title="Doorgaande lijn")


def test_register_has_the_base_processing_and_every_active_agreement(world, version):
    reg = register.build(organisation=world.childcare)
    keys = [e.key for e in reg.entries]
    assert keys[:3] == ["records", "consent", "audit"] and f"agreement-{version.agreement_id}" in keys
    entry = next(e for e in reg.entries if e.key == f"agreement-{version.agreement_id}")
    assert "Doorgaande lijn" in entry.name and entry.third_countries == "Geen"
    assert world.school.name in entry.recipients[0]
    assert entry.special  # health is a special category (art. 9)
    assert "24 maanden" in entry.retention
    school = register.build(organisation=world.school)  # the receiver lists it too, with its source
    received = next(e for e in school.entries if e.key == f"agreement-{version.agreement_id}")
    assert received.source == world.childcare.name and received.name.startswith("Ontvangen")


def test_director_edits_the_security_text_and_it_shows_everywhere(world, version, login):
    director = login(world.user("director_childcare"))
    url = f"/organisations/{world.childcare.pk}/register/security/"
    director.post(url, {"text": "Versleutelde laptops en een clean-desk-beleid."})
    reg = register.build(organisation=world.childcare)
    assert not reg.security_is_default
    assert all("clean-desk" in e.security for e in reg.entries)
    assert login(world.user("po_childcare")).post(url, {"text": "x"}).status_code == 403


@pytest.mark.pdf
def test_register_exports_as_csv_and_pdf(world, version, login):
    client = login(world.user("po_childcare"))
    response = client.get(f"/organisations/{world.childcare.pk}/register.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "verwerking" and any("Doorgaande lijn" in r[0] for r in rows[1:])
    pdf = client.get(f"/organisations/{world.childcare.pk}/register.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Verwerkingsregister" in text and "Doorgaande lijn" in text and world.childcare.name in text
    assert client.get(f"/organisations/{world.childcare.pk}/register.xls").status_code == 404
