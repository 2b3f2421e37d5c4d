"""A parent on a phone (360×740): read the e-mail from the test outbox, open the link, give
consent in at most 3 taps, check that a transfer would now be allowed (consent_reasons,
the consent part of check_transfer), withdraw with one button and one confirmation, check
that it is refused. Plus an accessibility scan of the portal pages with axe-core (loaded
from tests/assets/axe-core/axe.min.js): no serious or critical violations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from agreements.rules.consent import consent_reasons
from consent import services
from consent.models import ConsentDecision
from ikc_share.models import Child
from tests.builders import agreement_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "assets" / "axe-core" / "axe.min.js"
CODES = ["identification", "development_language", "health"]


def load_axe(page) -> None:
    """axe-core from the local file, into every document the page opens. The app's CSP
    (script-src 'self') refuses page.add_script_tag (an inline script); an init script is
    injected by the browser itself, so the pages are scanned with their real CSP on."""
    page.add_init_script(path=str(AXE))


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the current page."""
    page.wait_for_function("() => !!window.axe")
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


class Taps:
    """Counts the parent's taps from the moment the e-mail link is open."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        locator.click()
        self.count += 1
        self.page.wait_for_load_state()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_parent_gives_and_withdraws_consent_on_a_phone(world, page_for, live_server, settings):
    settings.SITE_URL = live_server.url
    version = agreement_version(world, codes=CODES)  # whole agreement, with a special category (health)
    noah = world.child_daycare
    services.consent_round_start(
        version=version,
        actor=world.user("director_childcare"),
        children=Child.objects.filter(pk=noah.pk),
    )  # transaction=True: committed at once, the (eager) task sends the e-mails
    message = next(m for m in mail.outbox if m.to == ["parent_a@example.nl"])
    assert "Noah" in message.body and "Jansen" not in message.body
    link = re.search(r"http://\S+/portal/link/\?\S+", message.body).group(0)

    page = page_for(width=360, height=740)
    load_axe(page)
    violations: dict[str, list] = {}
    page.goto(link)  # the parent opens the e-mail link
    violations["link"] = axe_violations(page)
    taps = Taps(page)
    taps.tap(page.get_by_role("button", name="Verder"))
    assert page.get_by_role("heading", name="Mag informatie over Noah naar Schoolbestuur Test?").is_visible()
    assert _fits(page), "the decide page is wider than the phone"
    violations["decide"] = axe_violations(page)
    taps.tap(page.get_by_label(re.compile("Ja, ook voor de gegevens over gezondheid")))
    taps.tap(page.get_by_role("button", name="Ja, ik geef toestemming"))
    assert taps.count <= 3, f"{taps.count} taps from the e-mail link to a recorded decision"
    assert page.get_by_text("Uw toestemming is vastgelegd").is_visible()
    decision = ConsentDecision.objects.get(child=noah)
    assert decision.state == "given" and decision.explicit and decision.channel == "portal"
    assert decision.letter_sha256 and decision.letter.version_id == version.pk

    # The consent part of check_transfer now allows every category (both parents were
    # informed by the round's e-mails; policy "one": Sanne's explicit yes suffices).
    assert consent_reasons(child=noah, version=version, categories=CODES, at=timezone.now()) == {
        code: [] for code in CODES
    }
    assert _fits(page)
    violations["child"] = axe_violations(page)

    # Withdraw: one button on the child's page, one confirmation.
    withdraw = Taps(page)
    withdraw.tap(page.get_by_role("link", name="Toestemming intrekken"))
    assert page.get_by_text("niet ongedaan gemaakt").is_visible()
    violations["withdraw"] = axe_violations(page)
    withdraw.tap(page.get_by_role("button", name="Ja, trek mijn toestemming in"))
    assert withdraw.count == 2
    assert page.get_by_text("Uw toestemming is ingetrokken").is_visible()
    reasons = consent_reasons(child=noah, version=version, categories=CODES, at=timezone.now())
    assert all(r and r[0].startswith("Toestemming ingetrokken door Sanne op ") for r in reasons.values()), reasons

    page.goto(f"{live_server.url}/portal/")
    violations["home"] = axe_violations(page)
    page.goto(f"{live_server.url}/portal/login/")  # the middleware lets a link session see the portal
    violations["login"] = axe_violations(page)
    assert not any(violations.values()), violations
    print(f"taps to consent: {taps.count}; axe serious/critical: 0 on {sorted(violations)}")


def test_english_parent_portal_and_request_a_link(world, page_for, live_server, settings):
    settings.SITE_URL = live_server.url
    page = page_for(width=360, height=740)
    load_axe(page)
    page.goto(f"{live_server.url}/portal/login/")
    page.get_by_label("Uw e-mailadres").fill("parent_b@example.nl")
    page.get_by_role("button", name="Stuur mij een link").click()
    page.wait_for_load_state()
    assert page.get_by_text("Als dit e-mailadres bij ons bekend is").is_visible()
    assert not axe_violations(page)
    link = re.search(r"http://\S+/portal/link/\?\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Verder").click()
    page.wait_for_load_state()
    assert page.url.endswith("/portal/") and page.get_by_role("heading", name="Mijn kinderen").is_visible()
    # A staff page is out of reach for a link session.
    response = page.goto(f"{live_server.url}/children/{world.child_daycare.pk}/")
    assert response.status == 404
