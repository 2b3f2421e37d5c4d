"""Issue 18.3: the parent's consent page shows the current choices and holds the withdraw
button; its buttons say what they do; the start page has one card per real child across
both organisations (each keeps its own record), and a state's badge is not repeated by the
sentence next to it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from consent.models import ConsentDecision
from tests.builders import agreement_version, decide, fake_letter, guardian

BADGE_AND_DETAIL = re.compile(
    r'<span class="badge state-[a-z_]+">([^<]+)</span>\s*<span class="state-detail">([^<]+)</span>'
)


@pytest.fixture
def whole(world):
    v = agreement_version(world, codes=["identification", "development_language"], title="Hele afspraak")
    fake_letter(v, "nl")
    return v


@pytest.fixture
def per_category(world):
    v = agreement_version(
        world, per_category=True, codes=["identification", "development_language"], title="Per onderdeel"
    )
    fake_letter(v, "nl")
    return v


def _url(world, version, child=None):
    return reverse("consent:portal-decide", args=[(child or world.child_daycare).pk, version.pk])


def _words(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_page_shows_the_current_choice_and_clear_buttons(world, whole, login):
    client = login(world.user("parent_a"))
    page = client.get(_url(world, whole)).content.decode()
    assert "Zo staat het nu" in page and "Uw eigen keuze: nog niet gekozen" in _words(page)
    assert "Ja, ik geef toestemming" in page and "Nee, ik geef geen toestemming" in page
    assert "Nee, liever niet" not in page
    assert (
        reverse("consent:portal-withdraw", args=[world.child_daycare.pk, whole.pk]) not in page
    )  # nothing to withdraw

    decide(whole, world.child_daycare, guardian(world, world.child_daycare, "Sanne"), "given")
    page = client.get(_url(world, whole)).content.decode()
    assert "Uw eigen keuze: toestemming gegeven" in _words(page)
    assert "Toestemming van Sanne" in _words(page)


def test_withdrawing_is_one_button_on_the_consent_page(world, whole, login):
    decide(whole, world.child_daycare, guardian(world, world.child_daycare, "Sanne"), "given")
    client = login(world.user("parent_a"))
    page = client.get(_url(world, whole)).content.decode()
    withdraw = reverse("consent:portal-withdraw", args=[world.child_daycare.pk, whole.pk])
    assert f'action="{withdraw}"' in page and "Trek mijn toestemming in" in page
    assert "U hoeft geen reden te geven" in page
    response = client.post(withdraw)  # the one tap: as easy as giving it
    assert response.status_code == 302
    assert ConsentDecision.objects.latest("pk").state == "withdrawn"
    page = client.get(_url(world, whole)).content.decode()
    assert "Uw eigen keuze: ingetrokken" in _words(page) and "Trek mijn toestemming in" not in page


def test_per_category_the_page_shows_each_current_answer(world, per_category, login):
    sanne = guardian(world, world.child_daycare, "Sanne")
    decide(per_category, world.child_daycare, sanne, "given", category="identification")
    decide(per_category, world.child_daycare, sanne, "refused", category="development_language")
    client = login(world.user("parent_a"))
    words = _words(client.get(_url(world, per_category)).content.decode())
    assert "Identificatiegegevens" in words
    assert re.search(r"Identificatiegegevens .{0,200}?Nu: ja", words)
    assert re.search(r"Ontwikkeling: taal .{0,200}?Nu: nee", words)
    assert "Ja, ik geef toestemming, behalve waar ik Nee koos" in words
    assert "Alleen de keuzes hierboven opslaan" in words and "Nee, ik geef geen toestemming" in words
    assert "Trek mijn toestemming in" in words  # something was given


def test_nothing_is_pre_ticked(world, per_category, login):
    decide(per_category, world.child_daycare, guardian(world, world.child_daycare, "Sanne"), "given")
    page = login(world.user("parent_a")).get(_url(world, per_category)).content.decode()
    assert "checked" not in page  # the current answer is said in words, never pre-ticked


def test_one_card_per_real_child_across_both_organisations(world, login):
    agreement_version(world, title="BSO naar school", codes=["identification"])
    school_version = agreement_version(
        world, title="School naar BSO", codes=["identification"], sender=world.school, receiver=world.childcare
    )
    fake_letter(school_version, "nl")
    page = login(world.user("parent_a")).get(reverse("consent:portal-home")).content.decode()
    cards = re.findall(r'<section class="card portal-card[^"]*" aria-labelledby="child-(\d+)"', page)
    assert len(cards) == 2  # Noah, and Emma once (the BSO's record and the school's record)
    emma = page.split(f'aria-labelledby="child-{world.child_bso.pk}"')[1].split("</section>")[0]
    assert "Kinderopvang Test" in emma and "Schoolbestuur Test" in emma
    # Each organisation's part links to its own record of Emma and to deciding in one tap.
    assert reverse("consent:portal-child", args=[world.child_school.pk]) in emma
    assert reverse("consent:portal-decide", args=[world.child_school.pk, school_version.pk]) in emma


def test_a_different_child_with_the_same_first_name_keeps_its_own_card(world, login):
    from ikc_share.models import Child

    Child.objects.filter(pk=world.child_school.pk).update(date_of_birth=world.child_bso.date_of_birth.replace(day=1))
    agreement_version(
        world, title="School naar BSO", codes=["identification"], sender=world.school, receiver=world.childcare
    )
    page = login(world.user("parent_a")).get(reverse("consent:portal-home")).content.decode()
    assert len(re.findall(r'<section class="card portal-card', page)) == 3


def test_badges_are_not_repeated_by_their_sentence(world, whole, login):
    sanne = guardian(world, world.child_daycare, "Sanne")
    decide(whole, world.child_daycare, sanne, "given")
    agreement_version(world, basis="c", title="VVE (wet)", codes=["vve_programme", "vve_duration"])
    client = login(world.user("parent_a"))
    pages = [
        client.get(reverse("consent:portal-home")).content.decode(),
        client.get(reverse("consent:portal-child", args=[world.child_daycare.pk])).content.decode(),
        client.get(_url(world, whole)).content.decode(),
    ]
    staff = login(world.user("director_childcare"))
    pages.append(staff.get(reverse("consent:child-consent", args=[world.child_daycare.pk])).content.decode())
    found = [pair for page in pages for pair in BADGE_AND_DETAIL.findall(page)]
    assert ("Toestemming", "van Sanne") in found
    assert any(label == "Niet nodig" for label, _detail in found)
    for label, detail in found:
        assert not detail.lower().startswith(label.lower()), (label, detail)
        assert not detail.lower().startswith("geen toestemming nodig"), detail
