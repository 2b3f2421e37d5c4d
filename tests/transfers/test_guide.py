"""Issue 17, point 6: the guide (wegwijzer) for what is not a transfer under an agreement.
A move to another school is a legal duty (onderwijskundig rapport, art. 42 WPO), not "usually
consent"; a parent without authority is informed on request (art. 1:377c BW) but does not
decide; the police need a formal demand; what falls under professional secrecy is no IKC
exchange. Checked on the page in Dutch and English, and on what check_transfer answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements import rules
from tests.builders import agreement_version, day

pytestmark = pytest.mark.django_db

NL = {
    "school_change": [
        "Een leerling gaat naar een andere school (onderwijskundig rapport)",
        "moet de school een onderwijskundig rapport opstellen en aan de nieuwe school geven (artikel 42 WPO)",
        "Dat is een wettelijke plicht: de school vraagt de ouders er geen toestemming voor.",
        "De ouders krijgen een kopie van het rapport en mogen er hun mening over geven.",
        "Onderwijskundig rapport, artikel 42 WPO: een wettelijke plicht (grondslag c",
    ],
    "parent_without_authority": [
        "Een ouder zonder gezag vraagt hoe het met het kind gaat",
        "beslist niet mee over het kind, maar heeft wel recht op informatie",
        "(artikel 1:377c BW)",
        "niet meer dan u de ouder met gezag over hetzelfde zou vertellen",
        "Geef niets als dat tegen het belang van het kind ingaat",
        "zijn of haar toestemming, weigering of bezwaar telt niet voor een afspraak",
    ],
    "police": [
        "De politie vraagt gegevens van een kind of een ouder",
        "U hoeft de politie niets te geven zonder vordering",
        "artikel 126nc of 126nd Sv",
        "Geef het verzoek door aan uw directeur en de functionaris gegevensbescherming (FG)",
        "Leg vast wie wat vroeg, op welke grond, en wat er is gegeven.",
    ],
    "professional_secrecy": [
        "valt onder hun beroepsgeheim",
        "Dat is geen informatie voor een uitwisseling tussen kinderopvang en school",
        "De intern begeleider heeft geen wettelijk beroepsgeheim, maar wel een geheimhoudingsplicht",
    ],
}
EN = {
    "school_change": [
        "A pupil moves to another school (educational report)",
        "(article 42 of the Primary Education Act, WPO). That is a legal duty: the school does not ask the parents",
        "The parents get a copy of the report and may give their view on it.",
    ],
    "parent_without_authority": [
        "A parent without parental authority asks how the child is doing",
        "(Civil Code article 1:377c)",
        "Give nothing if that goes against the child&#x27;s interest",
    ],
    "police": [
        "You do not have to give the police anything without a formal demand (vordering)",
        "Pass the request on to your director and the data protection officer",
        "Record who asked for what, on which legal ground, and what was given.",
    ],
    "professional_secrecy": [
        "falls under their professional secrecy",
        "has no statutory professional secrecy, but does have a duty of confidentiality",
    ],
}


def _page(client) -> str:
    return client.get(reverse("transfers:guide")).content.decode()


def test_the_guide_covers_school_change_parent_without_authority_police_and_secrecy(world, login):
    client = login(world.user("staff_school"))
    page = _page(client)
    missing = [p for phrases in NL.values() for p in phrases if p not in page]
    assert not missing, missing
    for key in NL:
        assert f'id="{key}"' in page
    # A handover to another school is no longer "usually consent".
    assert "de gemeente of een andere school" not in page
    assert "meestal aparte toestemming" not in page
    client.cookies["django_language"] = "en"
    page = _page(client)
    missing = [p for phrases in EN.values() for p in phrases if p not in page]
    assert not missing, missing
    assert "the municipality or another school" not in page


@pytest.mark.parametrize(
    ("context", "words"),
    [
        ("outside_ikc", "het onderwijskundig rapport zo'n plicht (art. 42 WPO): daarvoor vraagt de school geen"),
        ("school_change", "vraagt geen toestemming: de wet verplicht de school"),
        ("police", "Zonder vordering"),
        ("professional_secrecy", "beroepsgeheim"),
    ],
)
def test_check_transfer_names_the_route_for_these_situations(world, context, words):
    version = agreement_version(world)
    verdict = rules.check_transfer(
        child=world.child_daycare,
        agreement_version=version,
        categories=["identification"],
        at=day(5),
        requester=world.user("staff_childcare"),
        method=rules.METHOD_IN_APP,
        context=context,
    )
    assert not verdict.allowed and f"route_{context}" in verdict.codes
    assert words in verdict.reasons[0]


def test_the_guide_shows_the_route_sentence_of_each_new_situation(world, login):
    page = _page(login(world.user("staff_childcare")))
    for key in ("school_change", "police", "professional_secrecy"):
        sentence = rules.contexts.route_sentence(rules.contexts.GUIDE_CONTEXTS[key])
        assert sentence.replace("'", "&#x27;") in page, key
