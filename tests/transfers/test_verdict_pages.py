"""What staff see of check_transfer's verdict on the pages: the sentences that explain,
warnings (kept in the transfer record too), a restriction of processing, and the routes
for what is not an agreement transfer (the guide)."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import rules
from consent.models import ProcessingRestriction
from tests.builders import category, draft, guardian, transfer_version

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_child_page_explains_on_which_rule_sharing_rests(world, login):
    transfer_version(world, read_first=False)
    page = _text(
        login(world.user("staff_childcare")).get(reverse("ikc_share:child-detail", args=[world.child_daycare.pk]))
    )
    assert "Toestemming van Sanne (ouder met ouderlijk gezag) op" in page
    assert "niet het kind zelf, maar de ouders met ouderlijk gezag" in page


def test_a_restricted_category_is_refused_on_the_child_page_and_the_compose_form(world, login):
    v = transfer_version(world, read_first=False)
    ProcessingRestriction.objects.create(
        child=world.child_daycare,
        category=category("development_language"),
        requested_by=guardian(world, world.child_daycare, "Mark"),
        started_at=timezone.now(),
        recorded_by=world.user("director_childcare"),
    )
    client = login(world.user("staff_childcare"))
    page = _text(client.get(reverse("ikc_share:child-detail", args=[world.child_daycare.pk])))
    assert "is de verwerking van Ontwikkeling: taal sinds" in page and "(art. 18 AVG)" in page
    compose = _text(client.get(reverse("transfers:compose", args=[world.child_daycare.pk, v.pk])))
    assert 'value="development_language" id="cat-development_language" disabled' in compose
    assert 'value="identification" id="cat-identification">' in compose


def test_a_contract_basis_warns_on_the_form_and_the_warning_is_kept_in_the_transfer(world, login):
    v = transfer_version(world, title="BSO praktisch", basis="b", codes=["identification"], read_first=False)
    client = login(world.user("staff_childcare"))
    compose = _text(client.get(reverse("transfers:compose", args=[world.child_daycare.pk, v.pk])))
    assert "Let op: grondslag b (overeenkomst) dekt alleen wat strikt nodig is" in compose
    transfer = draft(world, v)
    assert transfer.verdict_warnings and transfer.verdict_warnings[0].startswith("Let op: grondslag b")
    detail = _text(client.get(reverse("transfers:transfer-detail", args=[transfer.pk])))
    assert "Let op: grondslag b (overeenkomst)" in detail


def test_the_guide_shows_what_check_transfer_answers_for_each_route(world, login):
    page = _text(login(world.user("staff_childcare")).get(reverse("transfers:guide")))
    for context in ("emergency", "meldcode", "child_protection", "outside_ikc"):
        assert rules.contexts.route_sentence(context) in page
