"""Every page of the app, in Chromium, at a desktop width and on a phone (360×740): axe-core
finds no serious or critical violation, and on the phone the page itself never scrolls
sideways (wide tables scroll inside their own box). Plus the favicon and the links between
the staff login and the parents' login.

The pages come from the permission matrix (tests/matrix_routes): every GET route that
somebody may open, once, as the first role that may (anonymous for the public pages; the
home page as every member of the cast, so every role's navigation is scanned). Files
(PDF, CSV, JSON) are skipped: they are not pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.matrix_routes import CAST
from tests.test_permission_matrix import MATRIX

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "assets" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# Who opens a page: the first of these who may (the public pages: a visitor, signed out).
ROLE_ORDER = [
    "director_childcare",
    "po_childcare",
    "staff_childcare",
    "parent_a",
    "operator",
    "director_school",
    "po_school",
    "staff_school",
    "parent_b",
    "stranger",
]
ANONYMOUS = "anonymous"


def load_axe(page) -> None:
    """axe-core from the local file, into every document the page opens. The app's CSP
    (script-src 'self') refuses an inline script; an init script is injected by the
    browser itself, so the pages are scanned with their real CSP on."""
    page.add_init_script(path=str(AXE))


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the current page."""
    page.wait_for_function("() => !!window.axe")
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [(n["target"], n.get("failureSummary", "")[:160]) for n in v["nodes"]][:3],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def page_width(page) -> int:
    """How wide the document is: more than the viewport means the page scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")


# The elements that stick out of the viewport while their parent does not: what to fix.
WIDE_ELEMENTS = """() => {
  const out = [], w = window.innerWidth;
  const clipped = (el) => !["absolute", "fixed"].includes(getComputedStyle(el).position)
    && el.parentElement.closest(".table-responsive, pre") !== null;
  for (const el of document.body.querySelectorAll("*")) {
    const parent = el.parentElement;
    if (el.getBoundingClientRect().right > w + 1 && parent.getBoundingClientRect().right <= w + 1 && !clipped(el)) {
      out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim().replace(/ +/g, ".") : ""));
    }
  }
  return out.slice(0, 3);
}"""


def pages_to_visit(world, unbuilt: dict[str, str], only: set[str] | None = None) -> list[tuple[str, str, str]]:
    """(role, route name, URL) for every page somebody may open, once; the home page once
    per member of the cast. Objects are made by the matrix's builders; a builder that
    fails is noted in `unbuilt` (and fails the test) without stopping the scan."""
    visits = []
    for name in sorted(MATRIX):
        route = MATRIX[name]
        if route.method != "get" or (only and name not in only):
            continue
        if name == "ikc_share:home":
            roles = CAST
        elif route.anonymous == 200:
            roles = [ANONYMOUS]
        else:
            roles = [m for m in ROLE_ORDER if route.status_for(m) == 200][:1]
        if roles:
            try:
                with transaction.atomic():
                    url = reverse(name, kwargs=route.kwargs(world))
            except Exception as error:  # noqa: BLE001 - reported with the scan's results
                unbuilt[name] = repr(error)[:200]
                continue
            visits += [(role, name, url) for role in roles]
    return visits


def signed_in_context(browser, live_server, world, role: str, viewport: dict):
    """A browser context signed in as `role` (a session made by Django's test client: no
    password or second factor to type for every role)."""
    context = browser.new_context(viewport=viewport, locale="nl-NL")
    if role != ANONYMOUS:
        client = Client()
        client.force_login(world.user(role))
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


def scan_every_page(browser, live_server, world, viewport: dict, only=None) -> tuple[dict, dict, dict, int]:
    """axe violations and sideways scrolling per page (role, route); the routes whose
    objects could not be built; how many pages were scanned."""
    unbuilt: dict[str, str] = {}
    visits = pages_to_visit(world, unbuilt, only)
    violations: dict[str, list] = {}
    too_wide: dict[str, int] = {}
    contexts: dict[str, object] = {}
    scanned = 0
    try:
        for role, name, url in visits:
            if role not in contexts:
                contexts[role] = signed_in_context(browser, live_server, world, role, viewport)
            context = contexts[role]
            head = context.request.get(live_server.url + url, max_redirects=0)
            if head.status != 200 or not head.headers.get("content-type", "").startswith("text/html"):
                continue  # a file (PDF, CSV, JSON), not a page
            page = context.new_page()
            page.set_default_timeout(15_000)
            load_axe(page)
            response = page.goto(live_server.url + url)
            key = f"{role} {name} {url}"
            assert response.status == 200, f"{key}: {response.status}"
            scanned += 1
            found = axe_violations(page)
            if found:
                violations[key] = found
            if viewport["width"] <= 400 and page_width(page) > viewport["width"]:
                too_wide[key] = (page_width(page), page.evaluate(WIDE_ELEMENTS))
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    return violations, too_wide, unbuilt, scanned


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_passes_axe_and_fits_the_phone(world, browser, live_server, settings, viewport):
    settings.SITE_URL = live_server.url
    violations, too_wide, unbuilt, scanned = scan_every_page(browser, live_server, world, viewport)
    problems = [f"axe serious/critical on {page}: {found}" for page, found in violations.items()]
    problems += [f"{page} is {w} px wide, wider than the phone: {what}" for page, (w, what) in too_wide.items()]
    problems += [f"{name} not scanned, its objects could not be built: {error}" for name, error in unbuilt.items()]
    assert not problems, "\n".join(problems)
    assert scanned > 50, f"only {scanned} pages scanned"
    print(f"{viewport['width']} px: {scanned} pages, axe serious/critical: 0, none scrolls sideways")


@pytest.mark.parametrize(
    "role,route", [("staff_childcare", "ikc_share:child-detail"), ("po_childcare", "ikc_share:organisation-audit")]
)
def test_staff_tables_scroll_inside_their_box_on_a_phone(world, browser, live_server, role, route):
    """The two pages the issue measured (546 px and 549 px wide at 360 px)."""
    context = signed_in_context(browser, live_server, world, role, PHONE)
    page = context.new_page()
    page.goto(live_server.url + reverse(route, kwargs=MATRIX[route].kwargs(world)))
    assert page.locator("table").count() >= 1
    assert page_width(page) <= 360
    assert page.evaluate("window.scrollX") == 0
    context.close()


def test_favicon_and_the_two_logins_link_to_each_other(world, page_for, live_server):
    page = page_for()
    page.goto(f"{live_server.url}/account/login/")
    icon = page.locator("link[rel='icon']").first
    response = page.request.get(live_server.url + icon.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
    assert page.request.get(f"{live_server.url}/favicon.ico").status == 200  # browsers ask for it anyway

    page.get_by_role("link", name="Inloggen voor ouders").click()
    page.wait_for_load_state()
    assert page.url.endswith("/portal/login/")
    assert page.locator("link[rel='icon']").count() == 1
    page.get_by_role("link", name="Log in met uw wachtwoord").click()
    page.wait_for_load_state()
    assert page.url.endswith("/account/login/")
