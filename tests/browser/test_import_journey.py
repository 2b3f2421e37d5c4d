"""A school director uploads a pupil export with two bad rows, reads the messages,
fixes the file, imports it and sees the children."""

from __future__ import annotations

import pytest

from ikc_share.models import Child
from tests.browser.conftest import login_with_password
from tests.onboarding.conftest import fixture_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(page, live_server, world, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(fixture_bytes(name))
    page.goto(f"{live_server.url}/organisations/{world.school.pk}/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.locator("select[name=preset]").select_option("pupil_administration")
    page.get_by_role("button", name="Uploaden en kolommen koppelen").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Proefimport maken").click()
    page.wait_for_load_state()


def test_director_fixes_a_file_and_imports_it(world, page_for, live_server, tmp_path):
    page = page_for()
    login_with_password(page, live_server, "director_school")
    _upload(page, live_server, world, tmp_path, "two_bad_rows.csv")
    text = page.content()
    assert "Rij 3" in text and "geen geldige datum" in text
    assert "Rij 4" in text and "geen geldig" in text
    assert page.get_by_role("button", name="Importeren", exact=True).count() == 0
    assert not Child.objects.filter(organisation=world.school, external_id__startswith="600").exists()

    _upload(page, live_server, world, tmp_path, "two_bad_rows_fixed.csv")
    page.get_by_role("button", name="Importeren", exact=True).click()
    page.wait_for_load_state()
    for _ in range(20):  # the import runs in Celery (eagerly in tests); the page refreshes itself
        if Child.objects.filter(organisation=world.school, external_id__startswith="600").count() == 4:
            break
        page.wait_for_timeout(250)
    assert Child.objects.filter(organisation=world.school, external_id__startswith="600").count() == 4
    page.goto(f"{live_server.url}/organisations/{world.school.pk}/children/")
    assert "Julia" in page.content() and "Gijs" in page.content()
