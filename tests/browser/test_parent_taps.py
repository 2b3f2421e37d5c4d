"""A parent on a phone (360×740) goes from the link they were sent to a recorded consent
decision in at most 3 taps, on pages that fit the phone and pass axe-core (no serious or
critical violations). Opening the link is not a tap; every click or tick after it is.

Three ways in: the e-mail of a consent round (health data included: the explicit yes is
its own tap), the QR code or link on a personal paper letter, and the login link a parent
asks for on the portal's login page (from there through the start page)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from agreements.letters.links import letter_link
from consent import services
from consent.models import ConsentDecision
from ikc_share.models import Child, Guardian
from tests.browser.test_accessibility import PHONE, axe_violations, load_axe, page_width
from tests.builders import agreement_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"http://\S+/portal/link/\?\S+")


class Journey:
    """Counts the parent's taps from the moment the link is open; checks every page they
    land on (fits the phone, axe clean)."""

    def __init__(self, page):
        self.page, self.taps, self.problems = page, 0, []
        self.check("the link")

    def check(self, where: str) -> None:
        if page_width(self.page) > PHONE["width"]:
            self.problems.append(f"{where}: {page_width(self.page)} px wide")
        if found := axe_violations(self.page):
            self.problems.append(f"{where}: {found}")

    def tap(self, locator, where: str) -> None:
        locator.click()
        self.taps += 1
        self.page.wait_for_load_state()
        self.check(where)


def _open(page_for, link: str):
    page = page_for(**PHONE)
    load_axe(page)
    page.goto(link)
    return page


def _decided(journey: Journey, child: Child, *, explicit: bool) -> None:
    assert journey.page.get_by_text("Uw toestemming is vastgelegd").is_visible()
    assert journey.taps <= 3, f"{journey.taps} taps from the link to a recorded decision"
    assert not journey.problems, journey.problems
    decision = ConsentDecision.objects.get(child=child)
    assert decision.state == "given" and decision.channel == "portal" and decision.explicit == explicit


def test_from_the_consent_e_mail_with_health_data_in_3_taps(world, page_for, live_server, settings):
    settings.SITE_URL = live_server.url
    version = agreement_version(world, codes=["identification", "development_language", "health"])
    noah = world.child_daycare
    services.consent_round_start(
        version=version, actor=world.user("director_childcare"), children=Child.objects.filter(pk=noah.pk)
    )
    message = next(m for m in mail.outbox if m.to == ["parent_a@example.nl"])
    journey = Journey(_open(page_for, LINK.search(message.body).group(0)))
    journey.tap(journey.page.get_by_role("button", name="Verder"), "the decide page")
    journey.tap(journey.page.get_by_label(re.compile("Ja, ook voor de gegevens over gezondheid")), "health ticked")
    journey.tap(journey.page.get_by_role("button", name="Ja, ik geef toestemming"), "the decision")
    _decided(journey, noah, explicit=True)


def test_from_the_paper_letter_link_in_2_taps(world, page_for, live_server, settings):
    settings.SITE_URL = live_server.url
    version = agreement_version(world, codes=["identification", "development_language"])
    noah = world.child_daycare
    sanne = Guardian.objects.get(guardianships__child=noah, user=world.user("parent_a"))
    link = letter_link(version=version, child=noah, guardian=sanne, language="nl")
    journey = Journey(_open(page_for, link))
    journey.tap(journey.page.get_by_role("button", name="Verder"), "the decide page")
    journey.tap(journey.page.get_by_role("button", name="Ja, ik geef toestemming"), "the decision")
    assert journey.taps == 2
    _decided(journey, noah, explicit=False)


def test_from_a_requested_login_link_through_the_start_page_in_3_taps(world, page_for, live_server, settings):
    settings.SITE_URL = live_server.url
    version = agreement_version(world, codes=["identification", "development_language"])
    noah = world.child_daycare
    page = page_for(**PHONE)
    page.goto(f"{live_server.url}/portal/login/")
    page.get_by_label("Uw e-mailadres").fill("parent_a@example.nl")
    page.get_by_role("button", name="Stuur mij een link").click()
    page.wait_for_load_state()
    link = LINK.search(mail.outbox[-1].body).group(0)
    load_axe(page)
    page.goto(link)
    journey = Journey(page)
    journey.tap(page.get_by_role("button", name="Verder"), "the start page")
    noah_card = page.locator("section", has=page.get_by_role("heading", name="Noah"))
    journey.tap(noah_card.get_by_role("link", name=version.agreement.title), "the decide page")
    journey.tap(page.get_by_role("button", name="Ja, ik geef toestemming"), "the decision")
    _decided(journey, noah, explicit=False)
