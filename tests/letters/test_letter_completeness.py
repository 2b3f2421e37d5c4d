"""Issue 17, points 2 and 3: what the information letter must say, checked on the PDF text
in Dutch and English.

- Withdrawal (art. 7(3), 17(1)(b), 19): parents may ask to erase what was shared on consent,
  and recipients are told of a correction or erasure; under a legal duty (c) the letter
  offers no erasure of what the law requires and no objection (art. 17(3)(b), 21).
- Completeness (art. 13): under f the legitimate interest and the balancing summary; no
  automated decision-making; the FG's contact details; how long, from when, and what the
  sender keeps itself; a handover that does not go ahead is destroyed; an English letter
  without Dutch (roles, titles, organisation words); "u" throughout and the school's own name.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements.letters.content import letter_preview_render
from agreements.letters.links import letter_link
from agreements.letters.personal import letter_personal_ensure
from agreements.letters.selectors import version_for_letter
from agreements.letters.storage import letter_generic_ensure
from agreements.letters.titles import UNKNOWN_TITLE, title_en
from agreements.models import AgreementVersion
from ikc_share.models import Organisation
from tests.builders import EXPLANATION
from tests.builders.versions import LETTER_PROVISIONS
from tests.letters.conftest import pdf_text

pytestmark = pytest.mark.pdf

BALANCING = "Het belang van een goede start weegt zwaarder dan de kleine inbreuk; alleen taal en naam gaan mee."


def _reading_order_text(data: bytes) -> str:
    """The PDF's text in reading order, whitespace collapsed: `pdftotext -raw` keeps each of
    the letter's side-by-side blocks (the two organisations, the signatures) together, where
    the layout mode would interleave their lines. Without pdftotext: pypdf (conftest)."""
    if not shutil.which("pdftotext"):  # pragma: no cover
        return pdf_text(data)
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def _link_targets(data: bytes) -> list[str]:
    """The addresses the PDF links to (the personal link on the cover)."""
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                out.append(str(action["/URI"]))
    return out


def _text(version: AgreementVersion, language: str) -> str:
    return _reading_order_text(letter_preview_render(version=version_for_letter(version.pk), language=language).pdf)


def _missing(text: str, phrases: list[str]) -> list[str]:
    return [p for p in phrases if p not in text]


def _present(text: str, phrases: list[str]) -> list[str]:
    return [p for p in phrases if p in text]


@pytest.fixture
def fg_contact(world):
    """The childcare organisation's FG with full contact details; the school's FG has a name only."""
    org = world.childcare
    org.privacy_officer_name = "Henk Mulder"
    org.privacy_officer_email = "fg@opvang.example.nl"
    org.privacy_officer_phone = "030 123 45 67"
    org.privacy_officer_address = "Postbus 1234, 3500 AA Utrecht"
    org.save()
    world.school.privacy_officer_name = "Priya Ramdin"
    world.school.save()
    return org


# --- Point 2: withdrawal → erasure ------------------------------------------------------------------

WITHDRAWAL = {
    "nl": {
        "present": [
            "Trekt u uw toestemming in? Dan delen wij vanaf dat moment niets meer.",
            "Wat wij eerder met uw toestemming deelden, mocht toen wel.",
            "U mag dan ook vragen om te wissen wat wij al deelden.",
            "Schoolbestuur Test wist die informatie dan, want zonder uw toestemming is er geen reden meer om die te "
            "bewaren.",
            "Ook wat wij met uw toestemming al deelden, als u uw toestemming intrekt.",
            # art. 19: recipients are told of a correction or erasure
            "Verbeteren of wissen wij informatie die wij al aan Schoolbestuur Test gaven? Dan laten wij dat "
            "Schoolbestuur Test weten. Schoolbestuur Test verbetert of wist de informatie dan ook.",
            # refused or withdrawn before sending: destroyed
            "Zegt u nee, of trekt u uw toestemming in voordat wij iets doorgaven? Dan geven wij niets door, en "
            "vernietigen wij wat wij al hadden klaargezet.",
        ],
        "absent": ["blijft wel gedeeld", "Intrekken maakt dat niet ongedaan"],
    },
    "en": {
        "present": [
            "If you withdraw your consent, we share nothing more from that moment.",
            "What we shared earlier with your consent was allowed at the time.",
            "You may then also ask us to erase what we have already shared.",
            "Schoolbestuur Test then erases that information, because without your consent there is no longer a "
            "reason to keep it.",
            "This includes what we already shared with your consent, if you withdraw your consent.",
            "If we correct or erase information that we already gave to Schoolbestuur Test, we tell Schoolbestuur "
            "Test. Schoolbestuur Test then corrects or erases the information too.",
            "If you say no, or withdraw your consent before we passed anything on, we pass nothing on, and we "
            "destroy what we had already prepared.",
        ],
        "absent": ["stays shared", "does not undo"],
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_after_withdrawal_parents_may_ask_to_erase_what_was_shared(version_factory, language):
    text = _text(version_factory(basis="a"), language)
    assert not _missing(text, WITHDRAWAL[language]["present"]), _missing(text, WITHDRAWAL[language]["present"])
    assert not _present(text, WITHDRAWAL[language]["absent"])


LEGAL_DUTY = {
    "nl": {
        "present": [
            "Omdat de wet het delen verplicht, kunt u er geen bezwaar tegen maken.",
            "En wat de wet ons verplicht te delen, kunnen wij niet op uw verzoek wissen zolang de wet het nodig maakt.",
            "Verwijdering. U mag vragen om informatie te wissen. Maar wat de wet ons verplicht te delen, wissen wij "
            "niet zolang de wet het nodig maakt.",
            "Verbeteren of wissen wij informatie die wij al aan Schoolbestuur Test gaven?",
        ],
        "absent": [
            "U mag dan ook vragen om te wissen wat wij al deelden",
            "Ook wat wij met uw toestemming al deelden",
            "Toestemming intrekken.",
            "U mag bezwaar maken",
        ],
    },
    "en": {
        "present": [
            "Because the law requires the sharing, you cannot object to it.",
            "And we cannot erase what the law requires us to share at your request, for as long as the law needs it.",
            "Erasure. You may ask us to delete information. But we do not delete what the law requires us to "
            "share, for as long as the law needs it.",
            "If we correct or erase information that we already gave to Schoolbestuur Test",
        ],
        "absent": [
            "You may then also ask us to erase what we have already shared",
            "This includes what we already shared with your consent",
            "Withdrawing consent.",
            "You have the right to object",
        ],
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_legal_duty_offers_no_erasure_of_what_the_law_requires_and_no_objection(version_factory, language):
    text = _text(version_factory(basis="c", special=False), language)
    assert not _missing(text, LEGAL_DUTY[language]["present"]), _missing(text, LEGAL_DUTY[language]["present"])
    assert not _present(text, LEGAL_DUTY[language]["absent"]), _present(text, LEGAL_DUTY[language]["absent"])


def test_a_public_task_limits_erasure_to_what_the_task_does_not_need(version_factory):
    text = _text(version_factory(basis="e", special=False), "nl")
    assert (
        "Maar wat wij voor onze taak van algemeen belang nodig hebben, wissen wij niet zolang die taak het nodig "
        "maakt." in text
    )
    assert "U mag dan ook vragen om te wissen wat wij al deelden" not in text


# --- Point 3: completeness --------------------------------------------------------------------------

LEGITIMATE_INTEREST = {
    "nl": [
        "Een gerechtvaardigd belang",
        "Dat is ons gerechtvaardigd belang: dat uw kind een goede start maakt bij Schoolbestuur Test, omdat "
        "Schoolbestuur Test kan aansluiten bij wat uw kind al kan.",
        "Wij hebben dat belang zorgvuldig afgewogen tegen het belang van uw kind en van u. Dit is onze afweging in "
        "het kort:",
        BALANCING,
        "Daarom vragen wij u geen toestemming. Maar u mag wel bezwaar maken.",
        "U mag bezwaar maken",  # art. 21
        "Bezwaar.",
        "Krijgt u gelijk? Dan geven wij niets door, en vernietigen wij wat wij al hadden klaargezet.",
    ],
    "en": [
        "A legitimate interest",
        "That is our legitimate interest: that your child makes a good start at Schoolbestuur Test, because "
        "Schoolbestuur Test can build on what your child can already do.",
        "We have carefully weighed that interest against the interests of your child and of you. This is our "
        "weighing in short (written by the management, in Dutch):",
        BALANCING,
        "That is why we do not ask for your consent. But you may object.",
        "You have the right to object",
        "Objection.",
        "If your objection is upheld, we pass nothing on, and we destroy what we had already prepared.",
    ],
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_legitimate_interest_names_the_interest_and_the_balancing(version_factory, language):
    version = version_factory(basis="f", special=False)
    AgreementVersion.objects.filter(pk=version.pk).update(balancing_test=BALANCING)
    text = _text(version, language)
    assert not _missing(text, LEGITIMATE_INTEREST[language]), _missing(text, LEGITIMATE_INTEREST[language])


ART_13 = {
    "nl": [
        # art. 13(1)(b): the FG with contact details, not only a name
        "Functionaris gegevensbescherming (FG): Henk Mulder",
        "E-mail van de FG: fg@opvang.example.nl",
        "Telefoon van de FG: 030 123 45 67",
        "Post voor de FG: Postbus 1234, 3500 AA Utrecht",
        "Functionaris gegevensbescherming (FG): Priya Ramdin",
        "U bereikt de FG via het adres voor vragen over privacy.",
        # art. 13(2)(f)
        "Er vindt geen geautomatiseerde besluitvorming plaats.",
        # art. 13(2)(a): how long, from when, and the sender's own
        "Schoolbestuur Test bewaart de informatie 24 maanden. Die tijd begint op de dag dat Schoolbestuur Test de "
        "informatie krijgt.",
        "Kinderopvang Test houdt zelf geen kopie van de informatie die wij doorgeven.",
        "welke onderdelen, de datum en een controlecode, en bij een driegesprek een korte samenvatting",
        "Dat bewaart Kinderopvang Test zolang Kinderopvang Test het dossier van uw kind bewaart. Die bewaartijd "
        "begint als uw kind bij Kinderopvang Test weggaat.",
        # a handover that does not go ahead is destroyed
        "Wilt u niet dat wij het doorgeven? Dan vernietigen wij wat wij hadden klaargezet.",
        "Gaat een overdracht niet door? Dan geven wij niets door aan Schoolbestuur Test, en vernietigen wij wat wij "
        "al hadden klaargezet.",
    ],
    "en": [
        "Data protection officer: Henk Mulder",
        "Data protection officer's e-mail: fg@opvang.example.nl",
        "Data protection officer's phone: 030 123 45 67",
        "Post for the data protection officer: Postbus 1234, 3500 AA Utrecht",
        "Data protection officer: Priya Ramdin",
        "You can reach the data protection officer through the address for privacy questions.",
        "There is no automated decision-making.",
        "Schoolbestuur Test keeps the information for 24 months. That time starts on the day Schoolbestuur Test "
        "receives the information.",
        "Kinderopvang Test keeps no copy of the information we pass on.",
        "which items, the date and a check code, and for a three-way meeting a short summary",
        "Kinderopvang Test keeps that record for as long as it keeps your child's file. That time starts when your "
        "child leaves Kinderopvang Test.",
        "If you do not want us to pass it on, we destroy what we prepared.",
        "If a handover does not go ahead, we pass nothing on to Schoolbestuur Test, and we destroy what we had "
        "already prepared.",
    ],
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_letter_gives_fg_contact_no_automated_decisions_and_full_retention(fg_contact, version_factory, language):
    version = version_factory(basis="a")
    AgreementVersion.objects.filter(pk=version.pk).update(parents_read_first=True, method_meeting=True)
    text = _text(version, language)
    assert not _missing(text, ART_13[language]), _missing(text, ART_13[language])


# --- The English letter holds no Dutch ----------------------------------------------------------------

# Words that are Dutch and not English (function words, and the letter's own Dutch terms).
DUTCH_WORDS = set(
    """de het een van wij uw niet bij voor zijn wordt worden deze dit ook naar als dat geen maar dan mag
    kunt heeft gegevens ouder ouders kinderen toestemming leerkracht begeleider medewerker groep groepen
    directeur directie bewaart maanden kinderopvang basisschool schoolbestuur functionaris gegevensbescherming
    bijzonder bijzondere persoonsgegeven persoonsgegevens verwijdering bezwaar grondslag afspraak brief kenmerk
    versie pagina namens adres wettelijke plicht overdracht warme nodig goede telefoon vragen wat wie hoe
    waarom op te om er zo je jij nee ja en pedagogisch organisatie beste geachte groet vriendelijke
    gezag inzage correctie beperking klacht onderdelen controlecode samenvatting driegesprek""".split()
)
# Proper names and the directors' own free texts, which the English letter quotes and marks as Dutch.
ALLOWED = [
    "Kinderopvang Test",
    "Schoolbestuur Test",
    "IKC Test",
    "Dorpsstraat",
    "Postbus",
    "Autoriteit Persoonsgegevens",
    "autoriteitpersoonsgegevens.nl",
    "(in Dutch: AVG)",
    "(in Dutch: VVE)",
    "(in Dutch: BSO)",
    "(Nederlands)",
    "(Overstapservice Onderwijs)",
    EXPLANATION,
    BALANCING,
    *LETTER_PROVISIONS.values(),
]


def _dutch_words(text: str, free_texts: list[str], links: list[str] = ()) -> set[str]:
    for allowed in [*ALLOWED, *free_texts]:
        text = text.replace(allowed, " ")
    # Links are no language: they wrap over several "words" in the PDF text, and their random
    # tokens could hold any pair of letters.
    text = " ".join(t for t in text.split() if not re.search(r"[=/?&_0-9]", t) and not any(t in link for link in links))
    return {w for w in re.findall(r"[A-Za-zÀ-ÿ']+", text) if w.lower() in DUTCH_WORDS}


@pytest.mark.parametrize("basis", ["a", "c", "f"])
def test_the_english_letter_is_fully_english(fg_contact, version_factory, basis, world):
    purpose = "vve_handover" if basis == "c" else "development_line"
    version = version_factory(basis=basis, special=basis == "a", purpose=purpose)
    AgreementVersion.objects.filter(pk=version.pk).update(
        balancing_test=BALANCING if basis == "f" else "", parents_read_first=True, method_meeting=True
    )
    items = list(version.items.select_related("category"))
    justifications = [i.justification for i in items] + [i.category.statutory_reference for i in items]
    text = _text(version, "en")
    # Roles, titles and organisation words are English …
    assert "Teacher of groups 1–2" in text and "Special educational needs coordinator" in text
    assert "Leerkracht" not in text and "Intern begeleider" not in text and "Warme overdracht" not in text
    # … and no Dutch word is left outside the names and the directors' own (quoted) texts.
    assert not _dutch_words(text, justifications), sorted(_dutch_words(text, justifications))


def test_the_english_paper_letter_with_its_cover_is_fully_english(world, version_factory):
    version = version_factory(basis="a")
    generic = letter_generic_ensure(version=version, language="en")
    ship = world.child_daycare.guardianships.select_related("guardian").first()
    letter = letter_personal_ensure(
        version=version, language="en", child=world.child_daycare, guardian=ship.guardian, generic=generic
    )
    data = letter.file.read()
    text = _reading_order_text(data)
    assert 'Then tap "Continue".' in text and "Verder" not in text
    names = [ship.guardian.full_name, world.child_daycare.full_name]
    items = list(version.items.select_related("category"))
    links = [*_link_targets(data), letter_link(generic_token=generic.public_token)]
    assert any("sesame=" in link for link in links)  # the cover's personal link
    assert not _dutch_words(text, names + [i.justification for i in items], links)


def test_function_titles_in_english():
    assert title_en("Leerkracht groep 1-2") == "Teacher of groups 1–2"
    assert title_en("leerkracht groep 3") == "Teacher of group 3"
    assert title_en("Intern begeleider") == "Special educational needs coordinator"
    assert title_en("Pedagogisch medewerker BSO") == "Out-of-school care practitioner"
    assert title_en("Remedial teacher") == "Remedial teacher"
    assert title_en("Vakleerkracht gym") == UNKNOWN_TITLE  # never printed in Dutch


# --- Dutch: "u" throughout, and the school's own name ----------------------------------------------------


@pytest.mark.parametrize("basis,purpose", [("a", "development_line"), ("c", "vve_handover")])
def test_dutch_letter_says_u_and_names_the_school(version_factory, basis, purpose):
    version = version_factory(basis=basis, special=False, purpose=purpose)
    text = _text(version, "nl")
    assert not re.findall(r"\b(je|jij|jou|jouw|jullie)\b", text, flags=re.IGNORECASE)
    assert "Volgens de AVG mag een organisatie informatie over iemand alleen delen" in text
    assert "De school " not in text and " de school " not in text.replace(EXPLANATION, "")
    if purpose == "development_line":
        assert "Schoolbestuur Test weet dan wat uw kind al kan" in text
        assert "Zo kan Schoolbestuur Test goed aansluiten." in text
    else:
        assert "Schoolbestuur Test gaat verder met deze hulp. Daarom hoort Schoolbestuur Test welk programma" in text


# --- Where the FG's contact details come from ------------------------------------------------------------


def test_the_operator_records_the_fgs_contact_details(world, login):
    operator = login(world.user("operator"))
    form = {
        "name": "Kinderopvang Zonnebloem",
        "kind": "childcare",
        "kvk_number": "12345678",
        "privacy_email": "privacy@zonnebloem.example.nl",
        "privacy_officer_name": "Karin de Groot",
        "privacy_officer_email": "FG@Zonnebloem.example.nl",
        "privacy_officer_phone": "030 765 43 21",
        "privacy_officer_address": "Postbus 99, 3500 AB Utrecht",
    }
    url = reverse("ikc_share:operator-organisation-create", kwargs={"pk": world.ikc.pk})
    assert "Postadres van de FG" in operator.get(url).content.decode()
    assert operator.post(url, form).status_code == 302
    org = Organisation.objects.get(name="Kinderopvang Zonnebloem")
    assert (org.privacy_officer_email, org.privacy_officer_phone, org.privacy_officer_address) == (
        "fg@zonnebloem.example.nl",
        "030 765 43 21",
        "Postbus 99, 3500 AB Utrecht",
    )
    page = operator.get(reverse("ikc_share:operator-ikc-detail", kwargs={"pk": world.ikc.pk})).content.decode()
    assert "fg@zonnebloem.example.nl" in page and "030 765 43 21" in page
    # A wrong e-mail address: a clear message, nothing created.
    form = {**form, "name": "Kinderopvang Madelief", "privacy_officer_email": "geen-email"}
    response = operator.post(url, form)
    assert response.status_code == 200 and not Organisation.objects.filter(name="Kinderopvang Madelief").exists()
