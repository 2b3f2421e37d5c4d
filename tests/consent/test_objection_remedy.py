"""Issue 17.4: a rejected objection (art. 21) names the remedy, as every refusal does — an
objection under the Awb at a public school board (art. 34 UAVG), a petition to the civil court
at any other controller (art. 35 UAVG), and always a complaint to the Autoriteit
Persoonsgegevens (art. 77 GDPR). The flag lives on the organisation, so the consent layer
reads it without the accountability app."""

from __future__ import annotations

import html
import importlib
import json
import re

from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse

from accountability.models import ControllerSetting
from consent import services
from ikc_share import services as core_services
from ikc_share.models import AuditEvent, Guardian, Organisation
from tests.builders import agreement_version, fake_letter


def _text(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def _rejected(world, *, child, sender, receiver, uphold=False):
    version = agreement_version(
        world, basis="f", title="Gerechtvaardigd belang (test)", sender=sender, receiver=receiver
    )
    fake_letter(version, "nl")
    fake_letter(version, "en")
    mark = Guardian.objects.get(organisation=child.organisation, first_name="Mark")
    objection = services.objection_file(
        child=child, guardian=mark, version=version, explanation="Wij willen dit niet.", actor=world.user("parent_b")
    )
    director = world.user("director_school" if child.organisation == world.school else "director_childcare")
    services.objection_decide(objection=objection, uphold=uphold, reason="Nodig voor de overgang.", actor=director)
    return objection


def _portal(world, login, child, language="nl") -> str:
    client = login(world.user("parent_b"))
    client.cookies["django_language"] = language
    response = client.get(reverse("consent:portal-child", args=[child.pk]))
    assert response.status_code == 200
    return _text(response.content.decode())


def test_rejected_objection_at_a_public_school_board_names_the_awb_objection(world, login):
    core_services.organisation_public_authority_set(
        organisation=world.school, actor=world.user("director_school"), public_authority=True
    )
    _rejected(world, child=world.child_school, sender=world.school, receiver=world.childcare)
    page = _portal(world, login, world.child_school)
    assert "Nodig voor de overgang." in page
    assert f"bezwaar maken bij {world.school.name}" in page
    assert "Algemene wet bestuursrecht; art. 34 UAVG" in page and "bestuursrechter" in page
    assert "klacht indienen bij de Autoriteit Persoonsgegevens" in page
    assert "art. 35 UAVG" not in page


def test_rejected_objection_at_the_childcare_organisation_names_the_civil_court(world, login):
    assert not Organisation.objects.get(pk=world.childcare.pk).is_public_authority
    _rejected(world, child=world.child_daycare, sender=world.childcare, receiver=world.school)
    page = _portal(world, login, world.child_daycare)
    assert "verzoekschrift" in page and "art. 35 UAVG" in page and world.childcare.name in page
    assert "klacht indienen bij de Autoriteit Persoonsgegevens" in page
    assert "Algemene wet bestuursrecht" not in page


def test_the_remedy_in_english(world, login):
    _rejected(world, child=world.child_daycare, sender=world.childcare, receiver=world.school)
    page = _portal(world, login, world.child_daycare, language="en")
    assert "six weeks" in page and "petition" in page and "art. 35 UAVG" in page
    assert "complaint with the Autoriteit Persoonsgegevens" in page
    assert "zes weken" not in page
    core_services.organisation_public_authority_set(
        organisation=world.school, actor=world.user("director_school"), public_authority=True
    )
    _rejected(world, child=world.child_school, sender=world.school, receiver=world.childcare)
    page = _portal(world, login, world.child_school, language="en")
    assert "General Administrative Law Act" in page and "administrative court" in page
    assert "Autoriteit Persoonsgegevens" in page


def test_no_remedy_when_the_objection_is_upheld(world, login):
    _rejected(world, child=world.child_daycare, sender=world.childcare, receiver=world.school, uphold=True)
    page = _portal(world, login, world.child_daycare)
    assert "Nodig voor de overgang." in page
    assert "Autoriteit Persoonsgegevens" not in page and "art. 35 UAVG" not in page


def test_the_director_sees_what_the_parent_reads(world, login):
    objection = _rejected(world, child=world.child_daycare, sender=world.childcare, receiver=world.school)
    response = login(world.user("director_childcare")).get(reverse("consent:objection-detail", args=[objection.pk]))
    page = _text(response.content.decode())
    assert "Rechtsmiddel voor de ouder" in page and "art. 35 UAVG" in page


def test_the_register_page_sets_the_flag_on_the_organisation_with_an_audit_event(world, login):
    director = login(world.user("director_school"))
    url = f"/organisations/{world.school.pk}/register/controller/"
    assert director.post(url, {"public_authority": "on"}).status_code == 302
    assert Organisation.objects.get(pk=world.school.pk).is_public_authority
    event = AuditEvent.objects.filter(action="register.controller_updated", organisation=world.school).latest("id")
    assert json.loads(event.payload) == {"public_authority": True}
    assert "checked" in director.get(url).content.decode()
    assert director.post(url, {}).status_code == 302
    assert not Organisation.objects.get(pk=world.school.pk).is_public_authority


def test_the_migration_copies_the_earlier_setting(world):
    ControllerSetting.objects.create(
        organisation=world.childcare, public_authority=True, updated_by=world.user("director_childcare")
    )
    migration = importlib.import_module("ikc_share.migrations.0009_organisation_public_authority")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.copy_from_controller_setting(django_apps, editor)
    assert Organisation.objects.get(pk=world.childcare.pk).is_public_authority
    assert not Organisation.objects.get(pk=world.school.pk).is_public_authority
