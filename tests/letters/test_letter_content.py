"""The letter says everything the issue asks, for each legal basis, in Dutch and English.
Checked on the text extracted from the stored PDF."""

from __future__ import annotations

import pytest

from agreements.letters.content import letter_preview_render
from agreements.letters.personal import letter_personal_ensure
from agreements.letters.selectors import version_for_letter
from agreements.letters.storage import letter_generic_ensure
from tests.builders import EXPLANATION
from tests.letters.conftest import pdf_pages, pdf_text

pytestmark = pytest.mark.pdf

COMMON = {
    "nl": [
        "Kinderopvang Test",
        "Schoolbestuur Test",
        "Dorpsstraat 1",
        "1234 AB Utrecht",
        "privacy-childcare@example.nl",
        "privacy-school@example.nl",
        "Vragen over privacy",
        "Waarom willen wij informatie delen?",
        "doorgaande lijn",
        "De directie legt het zo uit",
        EXPLANATION,
        "Welke informatie delen wij?",
        "Naam en geboortedatum",
        "Ontwikkeling: taal",
        "Gezondheid: allergieën",
        "Waarom is dit nodig?",
        "Nodig voor een goede start (lt-health)",
        "BIJZONDER PERSOONSGEGEVEN",
        "Let op: bijzondere persoonsgegevens",
        "Hoe delen wij de informatie?",
        "ikc-share",
        "driegesprek",
        "Wij sturen de informatie niet per e-mail",
        "Wie krijgt de informatie",
        "Intern begeleider",
        "Leerkracht groep 1-2",
        "bewaart de informatie 24 maanden",
        "De privacywet heet de AVG",
        "grondslag",
        "Welke ouder beslist?",
        "Een ouder zonder gezag mag deze brief ook lezen",
        "Uw rechten",
        "Inzage.",
        "Correctie.",
        "Verwijdering.",
        "Beperking.",
        "Autoriteit Persoonsgegevens",
        "Deze brief online lezen",
        "Scan de QR-code",
        "Pagina 1 van",
    ],
    "en": [
        "Kinderopvang Test",
        "Schoolbestuur Test",
        "Dorpsstraat 1",
        "1234 AB Utrecht",
        "privacy-childcare@example.nl",
        "privacy-school@example.nl",
        "Privacy questions",
        "Why do we want to share information?",
        "continuous development line",
        "The management explains it",
        EXPLANATION,
        "Which information do we share?",
        "Name and date of birth",
        "Development: language",
        "Health: allergies",
        "Why is it needed?",
        "Nodig voor een goede start (lt-health)",
        "SPECIAL CATEGORY OF PERSONAL DATA",
        "Please note: special categories of personal data",
        "How do we share the information?",
        "ikc-share",
        "three-way meeting",
        "We do not send the information by e-mail",
        "Who receives the information",
        "Special educational needs coordinator",  # the receiving roles in English (issue 17.3)
        "Teacher of groups 1–2",
        "keeps the information for 24 months",
        "The privacy law is called the GDPR",
        "legal basis",
        "Which parent decides?",
        "A parent without parental authority may read this letter too",
        "Your rights",
        "Access.",
        "Rectification.",
        "Erasure.",
        "Restriction.",
        "Autoriteit Persoonsgegevens",
        "Read this letter online",
        "Scan the QR code",
        "Page 1 of",
    ],
}

BASIS = {
    ("a", "nl"): {
        "present": [
            "Uw toestemming",
            "Toestemming geven is vrijwillig",
            "geen gevolgen voor de plek van uw kind",
            "Zo geeft u toestemming",
            "U mag uw toestemming altijd weer intrekken",
            "U mag dan ook vragen om te wissen wat wij al deelden",  # issue 17.2: withdrawal → erasure
            "genoeg als één ouder met gezag toestemming geeft",
            "Overdraagbaarheid.",
            "Toestemming intrekken.",
            "U mag ook voor een deel ja zeggen",
            "uitdrukkelijk ja",
        ],
        "absent": ["U mag bezwaar maken", "Bezwaar.", "wettelijke plicht"],
    },
    ("a", "en"): {
        "present": [
            "Your consent",
            "Giving consent is voluntary",
            "no consequences for your child's place",
            "How to give consent",
            "You can withdraw your consent at any time",
            "You may then also ask us to erase what we have already shared",
            "consent from one parent with parental authority is enough",
            "Data portability.",
            "Withdrawing consent.",
            "You may also say yes to part of it",
            "explicitly say yes",
        ],
        "absent": ["You have the right to object", "Objection.", "A legal duty"],
    },
    ("c", "nl"): {
        "present": [
            "Een wettelijke plicht",
            "De wet verplicht ons",
            "Wet kinderopvang, artikel 1.50b",
            "Daarom vragen wij u geen toestemming",
            "Daarom krijgt u deze brief",
            "Voor deze afspraak vragen wij geen toestemming. Alle ouders met gezag krijgen deze brief",
        ],
        "absent": ["Overdraagbaarheid.", "Bezwaar.", "Toestemming geven is vrijwillig"],
    },
    ("c", "en"): {
        "present": [
            "A legal duty",
            "The law requires us",
            "Wet kinderopvang, artikel 1.50b",
            "That is why we do not ask for your consent",
            "That is why you get this letter",
            "For this agreement we do not ask for consent. All parents with parental authority receive this letter",
        ],
        "absent": ["Data portability.", "Objection.", "Giving consent is voluntary"],
    },
    ("e", "nl"): {
        "present": [
            "Een taak van algemeen belang",
            "Wet op het primair onderwijs",
            "U mag bezwaar maken",
            "Zolang wij uw bezwaar bekijken, delen wij niets",
            "minstens 14 dagen",
            "Bezwaar.",
            "Iedere ouder met gezag mag bezwaar maken",
        ],
        "absent": ["Overdraagbaarheid.", "Toestemming geven is vrijwillig"],
    },
    ("e", "en"): {
        "present": [
            "A task in the public interest",
            "Wet op het primair onderwijs",
            "You have the right to object",
            "While we look at your objection, we share nothing",
            "at least 14 days",
            "Objection.",
            "Every parent with parental authority may object",
        ],
        "absent": ["Data portability.", "Giving consent is voluntary"],
    },
}


@pytest.mark.parametrize("basis", ["a", "c", "e"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_generic_letter_says_everything_required(version_factory, basis, language):
    version = version_factory(basis=basis)
    letter = letter_generic_ensure(version=version, language=language)
    with letter.file.open("rb") as fh:
        data = fh.read()
    text = pdf_text(data)
    missing = [p for p in COMMON[language] + BASIS[(basis, language)]["present"] if p not in text]
    assert not missing, f"missing in the {basis}/{language} letter: {missing}"
    wrong = [p for p in BASIS[(basis, language)]["absent"] if p in text]
    assert not wrong, f"should not be in the {basis}/{language} letter: {wrong}"
    # The link to the letter's own page, with its unguessable token (may wrap in the PDF).
    assert letter.public_token in text.replace(" ", "")
    assert len(letter.public_token) == 43
    assert pdf_pages(data) >= 2


@pytest.mark.parametrize(
    "language,phrase",
    [
        ("nl", "alle ouders met gezag toestemming geven"),
        ("en", "all parents with parental authority must give consent"),
    ],
)
def test_guardian_policy_all_must_consent(version_factory, language, phrase):
    version = version_factory(basis="a", guardian_policy="all")
    letter = letter_generic_ensure(version=version, language=language)
    assert phrase in pdf_text(letter.file.read())


def test_vve_letter_names_the_statutory_items(version_factory):
    version = version_factory(basis="c", purpose="vve_handover", special=False)
    text = pdf_text(letter_generic_ensure(version=version, language="nl").file.read())
    assert "voor- en vroegschoolse educatie (VVE)" in text
    assert "VVE-programma en duur" in text
    assert "De wet regelt dit: Besluit basisvoorwaarden kwaliteit voorschoolse educatie" in text
    assert "bijzondere persoonsgegevens" not in text


def test_letter_is_signed_by_the_approving_directors(world, version_factory):
    version = version_factory(basis="a")
    text = pdf_text(letter_generic_ensure(version=version, language="nl").file.read())
    for who in ("director_childcare", "director_school"):
        assert world.user(who).get_full_name() in text
    assert "namens Kinderopvang Test" in text and "namens Schoolbestuur Test" in text


@pytest.mark.parametrize(
    "language,mark,note",
    [("nl", "CONCEPT", "Stuur hem niet naar ouders"), ("en", "DRAFT", "Do not send it to parents")],
)
def test_draft_preview_has_a_watermark_and_is_not_stored(version_factory, language, mark, note):
    version = version_factory(basis="a", status="draft")
    rendered = letter_preview_render(version=version_for_letter(version.pk), language=language)
    text = pdf_text(rendered.pdf)
    assert mark in text and note in text
    assert not version.letters.exists()


def test_active_preview_has_no_watermark(version_factory):
    version = version_factory(basis="a")
    text = pdf_text(letter_preview_render(version=version_for_letter(version.pk), language="nl").pdf)
    assert "CONCEPT" not in text


def test_personal_letter_greets_guardian_and_names_child(world, version_factory):
    """The personal cover comes first: the guardian by name, the child by name, and the
    personal link into the parent portal; then the generic letter, whole."""
    version = version_factory(basis="a")
    generic = letter_generic_ensure(version=version, language="nl")
    ship = world.child_daycare.guardianships.select_related("guardian").first()
    letter = letter_personal_ensure(
        version=version, language="nl", child=world.child_daycare, guardian=ship.guardian, generic=generic
    )
    text = pdf_text(letter.file.read())
    assert f"Beste {ship.guardian.full_name}," in text
    assert "Deze brief gaat over uw kind Noah Jansen." in text
    assert text.index(f"Beste {ship.guardian.full_name},") < text.index("Beste ouder of verzorger,")
    compact = text.replace(" ", "")
    assert "/portal/link/?sesame=" in compact and "via=paper" in compact  # the personal link (letter_link)
    assert generic.public_token in compact  # the generic letter's own page, on its own pages
    assert letter.sha256 != generic.sha256
