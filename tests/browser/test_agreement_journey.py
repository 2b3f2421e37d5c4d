"""Director A drafts an exchange agreement and submits it; both directors approve;
both see it active. The rules speak up when the draft is wrong."""

from __future__ import annotations

import pytest

from agreements.models import AgreementVersion
from ikc_share.models import AuditEvent
from tests.browser.conftest import login_with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_draft(page):
    page.locator("input[name=purpose][value=development_line]").check()
    page.locator("textarea[name=purpose_explanation]").fill(
        "Zodat de leerkracht van groep 1 weet wat uw kind al kan en waar het extra hulp bij nodig heeft."
    )
    page.locator("input[name=legal_basis][value=a]").check()
    page.get_by_label("Ontwikkeling: taal").check()
    page.locator("textarea[name='items-2-justification']").fill("De leerkracht sluit aan bij wat het kind al kan.")
    page.locator("input[name=methods][value=in_app]").check()
    page.get_by_label("Leerkracht groep 1-2").check()
    page.locator("input[name=retention_months]").fill("12")


def test_director_drafts_both_approve_and_it_becomes_active(world, page_for, live_server):
    a = page_for()
    login_with_password(a, live_server, "director_childcare")
    a.goto(f"{live_server.url}/agreements/organisations/{world.childcare.pk}/new/")
    a.locator("input[name=counterpart]").first.check()
    a.locator("input[name=direction][value=send]").check()
    a.get_by_role("button", name="Verder").click()
    a.wait_for_load_state()
    _fill_draft(a)
    # E-mail is never offered as a transfer method.
    assert a.locator("input[name=methods][value=email]").count() == 0
    a.get_by_role("button", name="Opslaan als concept").click()
    a.wait_for_load_state()
    version = AgreementVersion.objects.get()
    assert version.status == "draft"
    a.get_by_role("button", name="Aanbieden ter goedkeuring").first.click()
    a.wait_for_load_state()  # submitting is the childcare side's approval
    version.refresh_from_db()
    assert version.status == "awaiting_approval"  # one side is not enough

    b = page_for()
    login_with_password(b, live_server, "director_school")
    b.goto(f"{live_server.url}/agreements/organisations/{world.school.pk}/")
    b.get_by_role("link", name=version.agreement.title).first.click()
    b.wait_for_load_state()
    b.get_by_role("button", name="Goedkeuren").first.click()
    b.wait_for_load_state()
    version.refresh_from_db()
    assert version.status == "active"
    assert "Actief" in b.content()
    a.goto(f"{live_server.url}/agreements/organisations/{world.childcare.pk}/")
    assert "Actief" in a.content()
    actions = set(AuditEvent.objects.filter(action__startswith="agreement").values_list("action", flat=True))
    assert len(actions) >= 3
