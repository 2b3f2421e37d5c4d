"""Issue 17, point 3 (the last gap): a fully English English letter. The directors may add
English versions of their own texts (the explanation for parents, each item's justification,
the balancing test); the English letter prints them, and falls back to the Dutch text (with a
notice on the version) where none is filled in."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from agreements import rules, services
from agreements.letters.selectors import generic_letter
from agreements.models import Agreement, AgreementItem, AgreementVersion
from tests.agreements.test_pages import _form_data
from tests.builders import EXPLANATION, make_active
from tests.letters.test_letter_completeness import BALANCING, _reading_order_text, _text

pytestmark = pytest.mark.pdf

NOTICE_TEXT = "De Engelse brief toont de Nederlandse tekst waar geen Engelse is ingevuld."
EXPLANATION_EN = "We share this so that the teacher can build on what your child can already do."
BALANCING_EN = "A good start at school weighs more than the small intrusion; only language and name are shared."
JUSTIFICATION_EN = "Needed for a good start at school ({code})."


def _english_texts(version: AgreementVersion, *, items: bool = True) -> None:
    AgreementVersion.objects.filter(pk=version.pk).update(
        purpose_explanation_en=EXPLANATION_EN, balancing_test_en=BALANCING_EN
    )
    if items:
        for item in version.items.select_related("category"):
            AgreementItem.objects.filter(pk=item.pk).update(
                justification_en=JUSTIFICATION_EN.format(code=item.category.code)
            )


def _messages(version: AgreementVersion) -> list[rules.RuleMessage]:
    """The rule messages of the version as saved now (read again: the tests update rows)."""
    return rules.validate_version(rules.spec_from_version(AgreementVersion.objects.get(pk=version.pk)))


def _codes(version: AgreementVersion) -> list[str]:
    return [m.code for m in _messages(version)]


def test_the_english_letter_prints_the_english_texts(version_factory):
    version = version_factory(basis="f", special=False)
    AgreementVersion.objects.filter(pk=version.pk).update(balancing_test=BALANCING)
    _english_texts(version)
    items = list(version.items.select_related("category"))
    text = _text(version, "en")
    assert EXPLANATION_EN in text and BALANCING_EN in text
    for item in items:
        assert JUSTIFICATION_EN.format(code=item.category.code) in text
        assert item.justification not in text
    assert EXPLANATION not in text and BALANCING not in text
    assert "The management explains it like this:" in text
    assert "(the management wrote the reasons in Dutch)" not in text
    assert "This is our weighing in short (written by the management):" in text
    # The Dutch letter keeps the Dutch texts; the rules have nothing to say about it.
    dutch = _text(version, "nl")
    assert EXPLANATION in dutch and BALANCING in dutch and EXPLANATION_EN not in dutch
    assert "english_text_missing" not in _codes(version)


def test_without_english_texts_the_dutch_ones_are_quoted_with_a_notice(version_factory):
    version = version_factory(basis="f", special=False)
    AgreementVersion.objects.filter(pk=version.pk).update(balancing_test=BALANCING)
    text = _text(version, "en")
    assert "The management explains it like this (in Dutch):" in text and EXPLANATION in text
    assert "(the management wrote the reasons in Dutch)" in text
    assert "(written by the management, in Dutch):" in text and BALANCING in text
    for item in version.items.all():
        assert item.justification in text
    messages = [m for m in _messages(version) if m.code == "english_text_missing"]
    assert [(m.severity, m.text) for m in messages] == [(rules.NOTICE, NOTICE_TEXT)]


def test_a_missing_item_text_keeps_the_dutch_one_and_the_notice(version_factory):
    version = version_factory(basis="a", special=False)
    _english_texts(version, items=False)
    first, *rest = version.items.select_related("category")
    AgreementItem.objects.filter(pk=first.pk).update(justification_en="Only this one in English.")
    text = _text(version, "en")
    assert EXPLANATION_EN in text and EXPLANATION not in text and "Only this one in English." in text
    assert rest and all(item.justification in text for item in rest)
    assert "(the management wrote the reasons in Dutch)" in text
    assert "english_text_missing" in _codes(version)


def test_the_form_saves_and_shows_the_english_texts(world, login):
    client = login(world.user("director_childcare"))
    url = reverse("agreements:agreement-create", kwargs={"org_pk": world.childcare.pk})
    url += f"?counterpart={world.school.pk}&direction=send"
    page = client.get(url).content.decode()
    assert "Uitleg voor ouders (Engels)" in page and "Waarom is dit nodig? (Engels)" in page
    assert "Belangenafweging (Engels)" in page
    data = _form_data(
        world,
        chosen={"development_language": "Aansluiten bij de taal."},
        purpose_explanation_en=" For a good start at school. ",
        balancing_test_en="Weighed.",
    )
    index = next(k for k, v in data.items() if v == "Aansluiten bij de taal.").split("-")[1]
    data[f"items-{index}-justification_en"] = "To build on your child's language."
    assert client.post(url, data).status_code == 302
    version = Agreement.objects.get().versions.get()
    assert version.purpose_explanation_en == "For a good start at school."
    assert version.balancing_test_en == "Weighed."
    assert list(version.items.values_list("justification", "justification_en")) == [
        ("Aansluiten bij de taal.", "To build on your child's language.")
    ]
    edit = client.get(reverse("agreements:version-edit", kwargs={"pk": version.pk})).content.decode()
    assert "For a good start at school." in edit and "To build on your child&#x27;s language." in edit


def test_an_amendment_copies_the_english_texts_and_they_are_no_material_change(world):
    active = make_active(world)
    _english_texts(active)
    active.refresh_from_db()
    director = world.user("director_childcare")
    draft = services.agreement_amend(agreement=active.agreement, actor=director)
    assert draft.purpose_explanation_en == EXPLANATION_EN and draft.balancing_test_en == BALANCING_EN
    assert sorted(draft.items.values_list("justification_en", flat=True)) == sorted(
        active.items.values_list("justification_en", flat=True)
    )
    assert all(draft.items.values_list("justification_en", flat=True))
    spec = rules.spec_from_version(draft)
    spec.purpose_explanation_en = "Reworded in English only."
    spec.items[0].justification_en = "Also reworded."
    draft = services.agreement_version_update(version=draft, actor=director, spec=spec)
    draft.refresh_from_db()
    assert draft.purpose_explanation_en == "Reworded in English only."
    assert not draft.is_material_change and draft.change_summary == ""


def test_the_demos_english_letters_are_fully_english(db):
    call_command("seed_demo")
    active = AgreementVersion.objects.filter(status="active")
    assert active.count() == 4
    for version in active:
        assert version.purpose_explanation_en
        letter = generic_letter(version=version, language="en")
        text = _reading_order_text(letter.file.read())
        assert version.purpose_explanation not in text and version.purpose_explanation_en in text
        assert "in Dutch):" not in text
        for item in version.items.all():
            assert item.justification_en and item.justification not in text
        assert "english_text_missing" not in _codes(version)
