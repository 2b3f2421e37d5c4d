"""Issue 18.5: names keep their prefix (tussenvoegsel: de, van der) everywhere, and a date
reads the same everywhere: "7 december 2026" (with the time: "7 december 2026 15:35")."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from accountability import audit_browser
from accountability.audit_browser import AuditQuery
from ikc_share import services as core_services
from tests.builders import agreement_version, fake_letter, object_
from tests.factories import ChildFactory, GuardianFactory, link_guardian

NUMERIC_DATE = re.compile(r"\b\d{1,2}-\d{1,2}-\d{4}\b")


@pytest.fixture
def saar(world):
    child = ChildFactory(
        location=world.daycare,
        first_name="Saar",
        name_prefix="van der",
        last_name="Meer",
        date_of_birth=datetime.date(2022, 10, 6),
    )
    g = GuardianFactory(organisation=world.childcare, first_name="Inge", name_prefix="van der", last_name="Meer")
    link_guardian(guardian=g, child=child)
    return child


def _words(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_short_name_keeps_the_prefix(saar, world):
    assert saar.short_name == "Saar van der M."
    assert saar.full_name == "Saar van der Meer"
    assert world.child_daycare.short_name == "Noah J."  # no prefix: nothing in between


def test_staff_consent_pages_show_the_whole_name(world, saar, login):
    version = agreement_version(world, basis="f", title="Belang")
    fake_letter(version, "nl")
    object_(version, saar, saar.guardianships.get().guardian)
    client = login(world.user("director_childcare"))
    coverage = _words(client.get(reverse("consent:coverage", args=[version.pk])).content.decode())
    assert "Saar van der Meer" in coverage
    overview = _words(client.get(reverse("consent:overview", args=[world.childcare.pk])).content.decode())
    assert "Saar van der Meer" in overview


def test_audit_sentences_keep_the_prefix(world, saar, login):
    core_services.child_record_viewed(child=saar, actor=world.user("director_childcare"))
    page = login(world.user("po_childcare")).get(reverse("ikc_share:organisation-audit", args=[world.childcare.pk]))
    assert "bekeek het dossier van Saar van der M." in page.content.decode()


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [("nl", "6 oktober 2022", "6 oktober 2022 14:05"), ("en", "6 October 2022", "6 October 2022 14:05")],
)
def test_one_date_format_also_where_no_format_is_named(language, day, moment):
    template = Template("{{ d|date }}|{{ d|date:'SHORT_DATE_FORMAT' }}|{{ m|date:'DATETIME_FORMAT' }}|{{ d }}")
    context = Context({"d": datetime.date(2022, 10, 6), "m": datetime.datetime(2022, 10, 6, 14, 5)})
    with translation.override(language):
        assert template.render(context) == f"{day}|{day}|{moment}|{day}"


def test_the_audit_filter_lists_children_with_the_same_date_format(world, saar):
    with translation.override("nl"):
        choices = audit_browser.filter_choices(organisation=world.childcare)["children"]
    assert (saar.pk, "Saar van der Meer (6 oktober 2022)") in choices


def test_pages_with_dates_show_no_numeric_dates(world, saar, login):
    from tests.builders import access_request, incident

    access_request(world)
    incident(world)
    client = login(world.user("director_childcare"))
    for url in (
        reverse("ikc_share:organisation-audit", args=[world.childcare.pk]),
        reverse("ikc_share:privacy-dashboard", args=[world.childcare.pk]),
        reverse("ikc_share:incident-list", args=[world.childcare.pk]),
        reverse("consent:rights-list", args=[world.childcare.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        words = _words(page.content.decode())
        assert not NUMERIC_DATE.search(words), (url, NUMERIC_DATE.search(words))


def test_the_audit_browser_says_the_time_in_words(world, login):
    core_services.child_record_viewed(child=world.child_daycare, actor=world.user("director_childcare"))
    page = login(world.user("po_childcare")).get(reverse("ikc_share:organisation-audit", args=[world.childcare.pk]))
    when = re.findall(r'<td class="when">([^<]+)</td>', page.content.decode())
    assert when and all(re.fullmatch(r"\d{1,2} [a-z]+ \d{4} \d{2}:\d{2}:\d{2}", w) for w in when), when
    assert AuditQuery().is_empty
