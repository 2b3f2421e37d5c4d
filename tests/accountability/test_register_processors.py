"""The register of processing activities (art. 30) with the organisation's processors (art.
28: hosting, e-mail, the supplier) as recipients, third countries taken from where they
process (not written in), and entries for the staff accounts, the parents' login links and
the incident register: on the page, in the CSV and in the PDF (Dutch and English)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accountability import register, register_services, reports
from accountability.models import Processor
from accountability.rights import export as rights_export
from ikc_share.models import AuditEvent
from tests.builders import access_request, agreement_version


@pytest.fixture
def version(world):
    return agreement_version(world, title="Doorgaande lijn")


def _entry(reg, key):
    return next(e for e in reg.entries if e.key == key)


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


HOSTING = {"name": "Hosting Noord B.V.", "role": "hosting", "country": "NL", "agreement_on": "2025-03-01"}
MAIL = {
    "name": "Mailservice Inc.",
    "role": "email",
    "country": "US",
    "safeguards": "EU-VS Data Privacy Framework",
    "agreement_on": "2025-04-01",
    "activities": ["login_links", "consent"],
}


def _add(client, world, data):
    return client.post(f"/organisations/{world.childcare.pk}/register/processors/new/", data)


def test_director_adds_processors_and_they_are_recipients_with_their_third_countries(world, version, login):
    director = login(world.user("director_childcare"))
    assert _add(director, world, HOSTING).status_code == 302
    assert _add(director, world, MAIL).status_code == 302
    reg = register.build(organisation=world.childcare)
    keys = [e.key for e in reg.entries]
    assert keys[:6] == ["records", "consent", "audit", "staff_accounts", "login_links", "incidents"]
    assert f"agreement-{version.agreement_id}" in keys
    # Hosting serves every entry; the mail service only the ones it was given.
    for e in reg.entries:
        assert any("Hosting Noord B.V." in r for r in e.recipients), e.key
    links = _entry(reg, "login_links")
    assert any("Mailservice Inc." in r for r in links.recipients)
    assert links.third_countries.startswith("Verenigde Staten: Mailservice Inc.")
    assert "EU-VS Data Privacy Framework" in links.third_countries
    records = _entry(reg, "records")
    assert not any("Mailservice" in r for r in records.recipients) and records.third_countries == "Geen"
    assert _entry(reg, f"agreement-{version.agreement_id}").third_countries == "Geen"
    # The new entries say what they hold.
    assert "tweestapsverificatie" in " ".join(_entry(reg, "staff_accounts").categories)
    assert "werkt één keer" in links.retention
    assert "art. 33 lid 5" in _entry(reg, "incidents").legal_basis
    # Audited without names.
    events = AuditEvent.objects.filter(action="register.processor_saved", organisation=world.childcare)
    assert events.count() == 2
    assert all("Mailservice" not in e.canonical and "Hosting Noord" not in e.canonical for e in events)
    assert json.loads(events.latest("id").payload)["outside_eea"] is True


def test_outside_the_eea_needs_a_safeguard_and_nothing_is_saved_without(world, login):
    director = login(world.user("director_childcare"))
    response = _add(director, world, {**MAIL, "safeguards": ""})
    assert response.status_code == 200 and "noem de waarborg voor de doorgifte" in response.content.decode()
    assert not Processor.objects.exists()
    bad = _add(director, world, {**HOSTING, "country": "XX"})
    assert bad.status_code == 200 and not Processor.objects.exists()


def test_register_page_shows_processors_a_missing_agreement_and_ending_one(world, login):
    processor = register_services.processor_save(
        organisation=world.childcare,
        actor=world.user("director_childcare"),
        name="Leverancier Zonder Contract",
        role="supplier",
        country="NL",
    )
    po = login(world.user("po_childcare"))
    page = po.get(f"/organisations/{world.childcare.pk}/register/").content.decode()
    assert "Verwerkers (art. 28 AVG)" in page and "Leverancier Zonder Contract" in page
    assert "niet vastgelegd" in page
    assert "Verwerker toevoegen" not in page  # the FG reads, the director keeps it
    assert po.post(f"/register/processors/{processor.pk}/end/").status_code == 403
    director = login(world.user("director_childcare"))
    assert director.post(f"/register/processors/{processor.pk}/end/").status_code == 302
    processor.refresh_from_db()
    assert processor.ended_on == timezone.localdate()
    assert (
        "Leverancier Zonder Contract"
        not in director.get(f"/organisations/{world.childcare.pk}/register/").content.decode()
    )
    assert AuditEvent.objects.filter(action="register.processor_ended").exists()
    assert director.get(f"/register/processors/{processor.pk}/").status_code == 404  # ended: nothing to edit


def test_director_edits_a_processor(world, login):
    processor = register_services.processor_save(
        organisation=world.childcare, actor=world.user("director_childcare"), name="Mail B.V.", role="email",
        country="IE",
    )  # fmt: skip
    director = login(world.user("director_childcare"))
    form = director.get(f"/register/processors/{processor.pk}/").content.decode()
    assert "Mail B.V." in form
    director.post(
        f"/register/processors/{processor.pk}/",
        {"name": "Mail B.V.", "role": "email", "country": "IE", "agreement_on": "2025-01-15"},
    )
    processor.refresh_from_db()
    assert processor.agreement_on.isoformat() == "2025-01-15"
    assert login(world.user("director_school")).get(f"/register/processors/{processor.pk}/").status_code == 404


@pytest.mark.pdf
def test_register_csv_and_pdf_name_processors_and_third_countries_in_dutch_and_english(world, version, login):
    director = login(world.user("director_childcare"))
    _add(director, world, HOSTING)
    _add(director, world, MAIL)
    rows = list(csv.reader(io.StringIO(reports.register_csv(organisation=world.childcare).lstrip("\ufeff"))))
    links = next(r for r in rows if r[0] == "Inloglinks voor ouders")
    assert "Mailservice Inc." in links[5] and "Verenigde Staten" in links[6]
    nl = _pdf_text(reports.render_register_pdf(organisation=world.childcare, language="nl"))
    for expected in [
        "Verwerkers (art. 28 AVG)", "Hosting Noord B.V.", "Mailservice Inc.", "buiten de EER", "Verenigde Staten",
        "EU-VS Data Privacy Framework", "Accounts van medewerkers", "Inloglinks voor ouders",
        "Incidentregister (datalekken)", "Doorgaande lijn",
    ]:  # fmt: skip
        assert expected in nl, expected
    en = _pdf_text(reports.render_register_pdf(organisation=world.childcare, language="en"))
    for expected in [
        "Processors (art. 28 GDPR)", "Mailservice Inc.", "outside the EEA", "United States", "Staff accounts",
        "Login links for parents", "Incident register (data breaches)",
    ]:  # fmt: skip
        assert expected in en, expected


def test_the_access_export_names_the_processors_as_recipients(world, login):
    _add(login(world.user("director_childcare")), world, MAIL)
    data = rights_export.access_export(request=access_request(world))
    links = next(p for p in data["processing"]["purposes"] if p["processing"] == "Inloglinks voor ouders")
    assert any("Mailservice Inc." in r for r in links["recipients"])
    assert "Verenigde Staten" in links["third_countries"]
