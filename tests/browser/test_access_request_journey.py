"""An access request end to end, in Chromium: a parent logs in to the portal with an
e-mail link and asks what the childcare organisation holds about Noah; the director
gathers the data, reviews its free texts and releases it, and fulfils the request, the
privacy officer only advises; the parent downloads the released export (PDF and JSON) from
the portal — never as an e-mail attachment."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core import mail

from accountability.models import AdviceNote
from accountability.rights.models import RightsRequest
from tests.browser.conftest import login_with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _portal_login(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/portal/login/")
    page.get_by_label("Uw e-mailadres").fill(email)
    page.get_by_role("button", name="Stuur mij een link").click()
    page.wait_for_load_state()
    link = re.search(r"http://\S+/portal/link/\?\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Verder").click()
    page.wait_for_load_state()


def test_parent_asks_director_fulfils_privacy_officer_advises_parent_downloads(world, page_for, live_server, settings):
    settings.SITE_URL = live_server.url
    noah = world.child_daycare

    # 1. The parent files the request in the portal.
    parent = page_for(width=360, height=740)
    _portal_login(parent, live_server, "parent_a@example.nl")
    parent.get_by_role("button", name="Menu").click()  # the phone's collapsed menu
    parent.get_by_role("link", name="Mijn verzoeken").click()
    parent.get_by_role("link", name="Een verzoek indienen").click()
    parent.get_by_label("Over welk kind").select_option(str(noah.pk))
    parent.get_by_label("Inzage (art. 15)").check()
    parent.get_by_label("Toelichting (niet verplicht)").fill("Wat weet u over Noah, en met wie is het gedeeld?")
    parent.get_by_role("button", name="Verzoek versturen").click()
    parent.wait_for_load_state()
    assert parent.get_by_text("Uw verzoek is ontvangen").first.is_visible()
    assert parent.get_by_text("Status: Ontvangen").is_visible()
    request = RightsRequest.objects.get()
    assert request.kind == "access" and request.channel == "portal"
    assert not any(m.attachments for m in mail.outbox)

    # 2. The privacy officer reads it and advises; there is nothing for them to decide.
    officer = page_for()
    login_with_password(officer, live_server, "po_childcare")
    officer.goto(f"{live_server.url}/organisations/{world.childcare.pk}/privacy/")
    officer.get_by_role("link", name=f"Inzage (art. 15) #{request.pk}").click()
    assert officer.get_by_role("button", name="Status wijzigen").count() == 0
    assert officer.get_by_role("button", name="Gegevens verzamelen").count() == 0
    officer.get_by_label("Uw advies").fill("Laat de gegevens van de andere ouder weg.")
    officer.get_by_role("button", name="Advies vastleggen").click()
    officer.wait_for_load_state()
    assert AdviceNote.objects.filter(subject="rights_request", subject_id=request.pk).exists()

    # 3. The director gathers the data, checks it and fulfils the request.
    director = page_for()
    login_with_password(director, live_server, "director_childcare")
    director.goto(f"{live_server.url}/consent/requests/{request.pk}/")
    assert director.get_by_text("Laat de gegevens van de andere ouder weg.").is_visible()
    director.get_by_role("button", name="Gegevens verzamelen").click()
    director.wait_for_load_state()
    director.reload()  # the (eager) task has finished by now
    assert director.get_by_text("Verzameld op").is_visible()
    # Before release, the director reads every free text and keeps, edits or leaves it out (art. 15(4)).
    director.get_by_role("link", name="Controleren en vrijgeven").click()
    director.wait_for_load_state()
    director.get_by_role("button", name="Controle vastleggen en vrijgeven").click()
    director.wait_for_load_state()
    director.reload()
    assert director.get_by_text("vrijgegeven op").first.is_visible()
    director.get_by_label("Nieuwe status").select_option("fulfilled")
    director.get_by_label("Bericht aan de ouder").fill("U kunt uw gegevens downloaden in het ouderportaal.")
    director.get_by_role("button", name="Status wijzigen").click()
    director.wait_for_load_state()
    request.refresh_from_db()
    assert request.status == "fulfilled" and request.export_status == "released"

    # 4. The parent downloads the export from the portal.
    parent.reload()
    assert parent.get_by_text("Status: Afgehandeld").is_visible()
    assert parent.get_by_text("U kunt uw gegevens downloaden in het ouderportaal.").first.is_visible()
    with parent.expect_download() as pdf_download:
        parent.get_by_role("link", name="Download als PDF").click()
    assert Path(pdf_download.value.path()).read_bytes().startswith(b"%PDF")
    with parent.expect_download() as json_download:
        parent.get_by_role("link", name="Download als bestand (JSON)").click()
    data = json.loads(Path(json_download.value.path()).read_text())
    assert data["child"]["first_name"] == "Noah"
    assert [g["you"] for g in data["guardians"]].count(True) == 1  # the other parent left out
    assert any(e["action"] == "rights_request.submitted" for e in data["audit_events"])
