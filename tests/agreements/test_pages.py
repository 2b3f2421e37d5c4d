"""The agreement pages as a director, staff member, privacy officer and stranger see them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, DataCategory
from ikc_share.models import AuditEvent
from tests.builders import make_active, make_awaiting, make_draft, role, spec


def _create_url(world, org=None, **params):
    url = reverse("agreements:agreement-create", kwargs={"org_pk": (org or world.childcare).pk})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def _form_data(world, *, chosen: dict[str, str], **fields) -> dict:
    categories = list(DataCategory.objects.all())
    data = {
        "items-TOTAL_FORMS": str(len(categories)),
        "items-INITIAL_FORMS": str(len(categories)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "100",
        "purpose": "development_line",
        "purpose_explanation": "Voor een goede start op school.",
        "legal_basis": "a",
        "art9_condition": "",
        "methods": ["in_app"],
        "receiving_roles": [role(world.school, "Leerkracht groep 1-2").pk],
        "retention_months": "12",
        "valid_from": timezone.localdate().isoformat(),
        "consent_per_category": "1",
        "guardian_policy": "one",
        "parents_read_days": "10",
        "objection_wait_days": "14",
        "title": "",
    }
    for index, category in enumerate(categories):
        data[f"items-{index}-category"] = str(category.pk)
        if category.code in chosen:
            data[f"items-{index}-include"] = "on"
            data[f"items-{index}-justification"] = chosen[category.code]
    data.update(fields)
    return data


def test_home_links_to_the_agreements_of_each_membership(world, login):
    response = login(world.user("staff_school")).get(reverse("ikc_share:home"))
    assert reverse("agreements:agreement-list", kwargs={"org_pk": world.school.pk}) in response.content.decode()


def test_step_one_chooses_the_other_organisation_and_the_direction(world, login):
    response = login(world.user("director_childcare")).get(_create_url(world))
    page = response.content.decode()
    assert response.status_code == 200
    assert world.school.name in page and "verzendt, de andere organisatie ontvangt" in page


def test_step_two_offers_the_receivers_roles_and_never_email(world, login):
    response = login(world.user("director_childcare")).get(
        _create_url(world, counterpart=world.school.pk, direction="send")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Leerkracht groep 1-2" in page and "Intern begeleider" in page
    assert "Pedagogisch medewerker" not in page  # the sender's own titles are not offered
    assert 'value="email"' not in page and "in_app" in page
    for category in DataCategory.objects.all():
        assert category.name_nl in page
    assert "BSN" in page  # the form says a BSN is never part of it


def test_invalid_direction_shows_step_one_again(world, login):
    response = login(world.user("director_childcare")).get(_create_url(world, counterpart=99999, direction="send"))
    assert response.status_code == 200 and 'name="direction"' in response.content.decode()


def test_drafting_end_to_end_writes_the_agreement_and_the_audit(world, login):
    client = login(world.user("director_childcare"))
    url = _create_url(world, counterpart=world.school.pk, direction="send")
    response = client.post(url, _form_data(world, chosen={"development_language": "Aansluiten bij de taal."}))
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:agreement-detail", kwargs={"pk": agreement.pk})
    version = agreement.versions.get()
    assert agreement.sending_organisation == world.childcare and agreement.receiving_organisation == world.school
    assert version.status == "draft" and version.consent_per_category
    assert list(version.items.values_list("category__code", "justification")) == [
        ("development_language", "Aansluiten bij de taal.")
    ]
    assert AuditEvent.objects.filter(action="agreement.created").count() == 2
    detail = client.get(response["Location"]).content.decode()
    assert "Aanbieden ter goedkeuring" in detail and "Concept bewerken" in detail


def test_the_receiving_direction_can_be_drafted_from_the_school(world, login):
    client = login(world.user("director_school"))
    url = _create_url(world, org=world.school, counterpart=world.childcare.pk, direction="receive")
    assert client.post(url, _form_data(world, chosen={"development_motor": "Oefenen."})).status_code == 302
    assert Agreement.objects.get().sending_organisation == world.childcare


@pytest.mark.parametrize(
    ("fields", "chosen", "expected"),
    [
        (
            {"legal_basis": "c", "purpose": "vve_handover", "statutory_provision": "Besluit"},
            {"vve_programme": "Wet.", "home_situation": "Handig."},
            "Voor Thuissituatie is toestemming van de ouders nodig.",
        ),
        ({}, {"development_language": ""}, "Dat ontbreekt nog bij: Ontwikkeling: taal."),
        ({}, {}, "Kies ten minste één gegevenscategorie"),
        (
            {"legal_basis": "d"},
            {"development_language": "x"},
            "Vitaal belang (grondslag d) is bedoeld voor een noodsituatie",
        ),
        ({"methods": []}, {"development_language": "x"}, "Kies ten minste één manier van overdragen"),
        ({}, {"health": "Allergie."}, "zijn bijzondere persoonsgegevens (gezondheid, art. 9 AVG)"),
    ],
    ids=[
        "legal duty names the items needing consent",
        "justification",
        "no items",
        "vital interest",
        "no method",
        "art. 9",
    ],
)
def test_rule_messages_are_shown_and_nothing_is_saved(world, login, fields, chosen, expected):
    client = login(world.user("director_childcare"))
    url = _create_url(world, counterpart=world.school.pk, direction="send")
    response = client.post(url, _form_data(world, chosen=chosen, **fields))
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not Agreement.objects.exists()


def test_email_cannot_be_posted(world, login):
    client = login(world.user("director_childcare"))
    url = _create_url(world, counterpart=world.school.pk, direction="send")
    response = client.post(url, _form_data(world, chosen={"development_language": "x"}, methods=["email"]))
    assert response.status_code == 200 and not Agreement.objects.exists()


def test_edit_submit_approve_through_the_pages(world, login):
    draft = make_draft(world)
    client = login(world.user("director_school"))
    edit_url = reverse("agreements:version-edit", kwargs={"pk": draft.pk})
    page = client.get(edit_url).content.decode()
    assert "Aansluiten" not in page and "Nodig voor een goede start op school." in page  # prefilled
    data = _form_data(world, chosen={"development_language": "Aansluiten."}, retention_months="6", title="Nieuwe titel")
    assert client.post(edit_url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.retention_months == 6 and draft.agreement.title == "Nieuwe titel"

    # Submitting is the school's approval (issue 18): only the childcare director still decides.
    response = client.post(reverse("agreements:version-submit", kwargs={"pk": draft.pk}), follow=True)
    assert "goedgekeurd namens Schoolbestuur Test" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "awaiting_approval"
    detail = client.get(reverse("agreements:agreement-detail", kwargs={"pk": draft.agreement_id})).content.decode()
    assert "Goedkeuren" not in detail

    client = login(world.user("director_childcare"))
    response = client.post(reverse("agreements:version-approve", kwargs={"pk": draft.pk}), follow=True)
    assert "de afspraak is actief" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "active"


def test_return_without_comment_is_refused_with_a_message(world, login):
    version = make_awaiting(world)
    client = login(world.user("director_school"))
    response = client.post(
        reverse("agreements:version-return", kwargs={"pk": version.pk}), {"comment": ""}, follow=True
    )
    assert "Schrijf erbij waarom u de versie terugstuurt" in response.content.decode()
    version.refresh_from_db()
    assert version.status == "awaiting_approval"


def test_editing_a_non_draft_redirects_with_a_message(world, login):
    version = make_active(world)
    response = login(world.user("director_childcare")).get(
        reverse("agreements:version-edit", kwargs={"pk": version.pk}), follow=True
    )
    assert "Alleen een concept kan worden bewerkt." in response.content.decode()


def test_amend_and_end_through_the_pages(world, login):
    version = make_active(world)
    client = login(world.user("director_school"))
    response = client.post(reverse("agreements:agreement-amend", kwargs={"pk": version.agreement_id}))
    new = version.agreement.versions.get(number=2)
    assert response["Location"] == reverse("agreements:version-edit", kwargs={"pk": new.pk})
    end_url = reverse("agreements:agreement-end", kwargs={"pk": version.agreement_id})
    response = client.post(end_url, {"reason": ""})
    assert response.status_code == 200 and not Agreement.objects.get().ended_at
    client.post(end_url, {"reason": "De BSO stopt."})
    assert Agreement.objects.get().end_reason == "De BSO stopt."


def test_staff_read_the_active_version_but_not_drafts(world, login):
    active = make_active(world)
    services.agreement_amend(agreement=active.agreement, actor=world.user("director_childcare"))
    draft = make_draft(world)
    for name in ("staff_school", "staff_childcare"):
        client = login(world.user(name))
        page = client.get(reverse("agreements:agreement-detail", kwargs={"pk": active.agreement_id})).content.decode()
        assert "Versie 1" in page and "Versie 2" not in page and "Wijzigen (nieuwe versie)" not in page
        assert client.get(reverse("agreements:agreement-detail", kwargs={"pk": draft.agreement_id})).status_code == 404
        listing = client.get(reverse("agreements:agreement-list", kwargs={"org_pk": world.school.pk}))
        if name == "staff_school":
            assert active.agreement.title in listing.content.decode()
            assert draft.agreement.title not in listing.content.decode()


def test_privacy_officer_reads_drafts_and_history_but_decides_nothing(world, login):
    active = make_active(world)
    v2 = services.agreement_amend(agreement=active.agreement, actor=world.user("director_childcare"))
    services.agreement_version_update(
        version=v2, actor=world.user("director_childcare"), spec=spec(world, retention_months=36)
    )
    client = login(world.user("po_school"))
    page = client.get(reverse("agreements:agreement-detail", kwargs={"pk": active.agreement_id})).content.decode()
    assert "Versie 2" in page and "Concept bewerken" not in page and "Goedkeuren" not in page
    history = client.get(reverse("agreements:agreement-history", kwargs={"pk": active.agreement_id}))
    text = history.content.decode()
    assert "wezenlijke wijziging" in text and "Bewaartermijn (maanden)" in text and "36" in text
    assert client.post(reverse("agreements:agreement-amend", kwargs={"pk": active.agreement_id})).status_code == 403


def test_version_page_shows_a_readable_word_diff(world, login):
    active = make_active(world)
    dc = world.user("director_childcare")
    v2 = services.agreement_amend(agreement=active.agreement, actor=dc)
    services.agreement_version_update(
        version=v2,
        actor=dc,
        spec=spec(world, purpose_explanation="Zodat de leerkracht goed kan aansluiten bij wat uw kind al kan."),
    )
    page = login(dc).get(reverse("agreements:version-detail", kwargs={"pk": v2.pk})).content.decode()
    assert '<ins class="diff-add">goed</ins>' in page
    assert "geen wezenlijke wijziging" in page


def test_strangers_and_parents_see_nothing(world, login):
    active = make_active(world)
    for name in ("stranger", "parent_a"):
        client = login(world.user(name))
        assert client.get(reverse("agreements:agreement-detail", kwargs={"pk": active.agreement_id})).status_code == 404
        assert client.get(reverse("agreements:version-detail", kwargs={"pk": active.pk})).status_code == 404


@pytest.mark.parametrize("name", ["version-submit", "version-approve", "version-return"])
def test_post_only_routes_refuse_get(world, login, name):
    version = make_awaiting(world)
    response = login(world.user("director_childcare")).get(reverse(f"agreements:{name}", kwargs={"pk": version.pk}))
    assert response.status_code == 405


def test_child_page_lists_the_active_agreements_of_its_organisation(world, login):
    make_active(world)
    client = login(world.user("staff_childcare"))
    page = client.get(reverse("ikc_share:child-detail", kwargs={"pk": world.child_daycare.pk})).content.decode()
    assert "Uitwisselingsafspraken" in page and "Testafspraak actief" in page
    # The school's own record of a child is not shared under a childcare → school agreement.
    page = (
        login(world.user("staff_school"))
        .get(reverse("ikc_share:child-detail", kwargs={"pk": world.child_school.pk}))
        .content.decode()
    )
    assert "Testafspraak actief" not in page


def test_expired_active_version_is_flagged(world, login):
    version = make_active(world)
    version.valid_until = version.valid_from + datetime.timedelta(days=1)
    version.save(update_fields=["valid_until"])
    page = (
        login(world.user("staff_school"))
        .get(reverse("agreements:agreement-detail", kwargs={"pk": version.agreement_id}))
        .content.decode()
    )
    assert "Deze versie is vandaag niet geldig" in page


def test_impossible_numbers_give_404_or_a_form_error_never_a_500(world, login):
    client = login(world.user("director_childcare"))
    huge = 2**70
    for name in ("agreement-detail", "agreement-history", "version-detail", "version-edit"):
        assert (
            client.get(f"{reverse(f'agreements:{name}', kwargs={'pk': 1})}".replace("/1/", f"/{huge}/")).status_code
            == 404
        )
    assert client.get(f"/agreements/organisations/{huge}/").status_code == 404
    assert client.get(f"/agreements/organisations/{huge}/new/").status_code == 404
    response = client.get(_create_url(world, counterpart=huge, direction="send"))
    assert response.status_code == 200 and 'name="direction"' in response.content.decode()
    url = _create_url(world, counterpart=world.school.pk, direction="send")
    data = _form_data(
        world, chosen={"development_language": "x"}, receiving_roles=[str(huge)], receiving_locations=["abc"]
    )
    data["items-0-category"] = str(huge)
    response = client.post(url, data)
    assert response.status_code == 200 and not Agreement.objects.exists()
