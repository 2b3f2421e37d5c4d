"""A childcare staff member logs in, opens a child, and cannot reach a school record."""

from __future__ import annotations

import pytest

from ikc_share.models import AuditEvent
from tests.browser.conftest import login_with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_childcare_staff_open_own_child_but_not_a_school_record(world, page_for, live_server):
    page = page_for()
    login_with_password(page, live_server, "staff_childcare")
    assert "Welkom" in page.content()
    page.get_by_role("link", name="Kinderen").first.click()
    page.get_by_role("link", name="Noah Jansen").click()
    assert page.get_by_role("heading", name="Noah Jansen").is_visible()
    assert page.get_by_text("Sanne").first.is_visible()
    assert AuditEvent.objects.filter(action="child.viewed", target_id=str(world.child_daycare.pk)).exists()

    response = page.goto(f"{live_server.url}/children/{world.child_school.pk}/")
    assert response.status == 404
    assert "Pagina niet gevonden" in page.content()


def test_language_switch_to_english(world, page_for, live_server):
    page = page_for()
    page.goto(f"{live_server.url}/account/login/")
    page.select_option("#lang-select", "en")
    page.get_by_role("button", name="Taal").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
