"""The consent, notice and objection rules (agreements/rules/consent.py), table-driven:
each row sets up versions, decisions, notices and objections for Noah (guardians Sanne
and Mark, both with parental authority; Erik without) and states the exact sentences
that block one category at one moment. An empty list means: allowed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest

from agreements.rules.consent import consent_reasons, consent_state_summary
from tests.builders import agreement_version, day, decide, guardian, inform, object_

ID = "identification"
LANG = "development_language"
HEALTH = "health"
N_ID = "Identificatiegegevens"
N_LANG = "Ontwikkeling: taal"
N_HEALTH = "Gezondheid, allergieën en medicatie"


def no_consent(name: str) -> str:
    return (
        f"Geen toestemming voor de categorie {name}. De grondslag is toestemming: zonder een ‘ja’ van een ouder "
        "met ouderlijk gezag wordt niets gedeeld (stilte is geen ja)."
    )


NO_AUTHORITY_RULE = (
    "Voor een kind onder de 16 beslissen alleen de ouders met ouderlijk gezag (art. 5 UAVG, art. 1:245 BW). "
    "Een pleegouder, stiefouder of andere verzorger is geen wettelijk vertegenwoordiger; een voogd wel."
)
ERIK_YES = "Erik gaf toestemming, maar dat telt niet: Erik heeft geen ouderlijk gezag. " + NO_AUTHORITY_RULE
ERIK_NO = "Erik weigerde of trok in, maar dat telt niet: Erik heeft geen ouderlijk gezag. " + NO_AUTHORITY_RULE
HEALTH_NOT_EXPLICIT = (
    f"Geen uitdrukkelijke toestemming voor {N_HEALTH}. Dit is een bijzonder persoonsgegeven (art. 9 AVG): alleen "
    "uitdrukkelijke toestemming (art. 9 lid 2 sub a AVG), een apart vinkje voor deze categorie, telt; een gewoon "
    "‘ja’ voor de afspraak is niet genoeg."
)
SANNE_LAPSED = (
    "De toestemming van Sanne gold voor versie 1 en is vervallen: versie 2 van de afspraak is wezenlijk gewijzigd. "
    "De ouders beslissen daarom opnieuw."
)


@dataclass
class Case:
    decisions: list = field(default_factory=list)  # (who, state, day, category, explicit, version index)
    check: str = ID
    expect: list = field(default_factory=list)
    policy: str = "one"
    per_category: bool = False
    basis: str = "a"
    versions: list = field(default_factory=lambda: [{}])  # kwargs per version, oldest first; the last is asked
    informed: tuple = ("Sanne", "Mark")  # who was informed of the asked version (day -20)
    informed_day: int = -20
    objections: list = field(default_factory=list)  # (who, status, filed day, decided day)
    at: datetime.datetime = field(default_factory=lambda: day(5))
    wait_days: int = 14
    valid_months: int | None = None


def d(who, state, n=0, category=None, explicit=False, version=-1):
    return (who, state, n, category, explicit, version)


CASES = {
    # --- one guardian may consent; any refusal or withdrawal blocks -----------------------
    "one: nobody answered": Case(expect=[no_consent(N_ID)]),
    "one: Sanne gives": Case(decisions=[d("Sanne", "given")], expect=[]),
    "one: Mark refuses": Case(
        decisions=[d("Mark", "refused")], expect=["Toestemming geweigerd door Mark op 3 maart 2026"]
    ),
    "one: Sanne gives, Mark refuses": Case(
        decisions=[d("Sanne", "given"), d("Mark", "refused", 1)],
        expect=["Toestemming geweigerd door Mark op 4 maart 2026"],
    ),
    "one: Sanne gives, then withdraws": Case(
        decisions=[d("Sanne", "given"), d("Sanne", "withdrawn", 1)],
        expect=["Toestemming ingetrokken door Sanne op 4 maart 2026"],
    ),
    "one: Sanne gives, Mark withdraws his consent": Case(
        decisions=[d("Sanne", "given"), d("Mark", "given"), d("Mark", "withdrawn", 2)],
        expect=["Toestemming ingetrokken door Mark op 5 maart 2026"],
    ),
    "one: Sanne withdraws, then gives again": Case(
        decisions=[d("Sanne", "given"), d("Sanne", "withdrawn", 1), d("Sanne", "given", 2)],
        expect=[],
    ),
    # --- all guardians with authority must consent ----------------------------------------
    "all: only Sanne gave": Case(
        policy="all",
        decisions=[d("Sanne", "given")],
        expect=["Wacht op toestemming van Mark (alle ouders met gezag moeten toestemming geven)"],
    ),
    "all: both gave": Case(policy="all", decisions=[d("Sanne", "given"), d("Mark", "given")], expect=[]),
    "all: nobody answered": Case(policy="all", expect=[no_consent(N_ID)]),
    "all: Sanne gives, Mark refuses": Case(
        policy="all",
        decisions=[d("Sanne", "given"), d("Mark", "refused")],
        expect=["Toestemming geweigerd door Mark op 3 maart 2026"],
    ),
    # --- guardians without parental authority never count ---------------------------------
    "no authority: Erik's yes does not count": Case(
        decisions=[d("Erik", "given")], expect=[no_consent(N_ID), ERIK_YES]
    ),
    "no authority: Erik's refusal alone is not a refusal": Case(
        decisions=[d("Erik", "refused")], expect=[no_consent(N_ID), ERIK_NO]
    ),
    "no authority: Erik's refusal does not block": Case(
        decisions=[d("Sanne", "given"), d("Erik", "refused")], expect=[]
    ),
    "all: Erik is not waited for": Case(policy="all", decisions=[d("Sanne", "given"), d("Mark", "given")], expect=[]),
    # --- only what was decided at or before `at` --------------------------------------------
    "decided after the moment asked": Case(decisions=[d("Sanne", "given", 10)], expect=[no_consent(N_ID)]),
    "withdrawn after the moment asked": Case(decisions=[d("Sanne", "given"), d("Sanne", "withdrawn", 10)], expect=[]),
    # --- material change ---------------------------------------------------------------------
    "material change: consent for v1 does not cover v2": Case(
        versions=[{}, {"material": True}],
        decisions=[d("Sanne", "given", -40, version=0)],
        expect=[no_consent(N_ID), SANNE_LAPSED],
    ),
    "non-material change: consent for v1 covers v2": Case(
        versions=[{}, {"material": False}],
        decisions=[d("Sanne", "given", -40, version=0)],
        expect=[],
    ),
    "non-material change: a withdrawal on v1 still counts": Case(
        versions=[{}, {"material": False}],
        decisions=[d("Sanne", "given", -40, version=0), d("Sanne", "withdrawn", -35, version=0)],
        expect=["Toestemming ingetrokken door Sanne op 27 januari 2026"],
    ),
    "material v2, non-material v3: consent for v2 covers v3, for v1 not": Case(
        versions=[{}, {"material": True}, {"material": False}],
        decisions=[d("Mark", "given", -50, version=0), d("Sanne", "given", -40, version=1)],
        policy="all",
        expect=[
            "Wacht op toestemming van Mark (alle ouders met gezag moeten toestemming geven)",
            SANNE_LAPSED.replace("Sanne", "Mark"),
        ],
    ),
    "an abandoned material draft does not break the chain": Case(
        versions=[{}, {"material": True, "status": "draft"}, {"material": False}],
        decisions=[d("Sanne", "given", -40, version=0)],
        expect=[],
    ),
    # --- consent that expires ------------------------------------------------------------------
    "expired consent does not count": Case(
        valid_months=6,
        decisions=[d("Sanne", "given")],
        at=day(200),
        expect=["Toestemming van Sanne is verlopen op 3 september 2026"],
    ),
    "consent within its validity counts": Case(valid_months=6, decisions=[d("Sanne", "given")], at=day(100), expect=[]),
    # --- per category --------------------------------------------------------------------------
    "per category: yes for identification only, language asked": Case(
        per_category=True,
        check=LANG,
        decisions=[d("Sanne", "given", category=ID)],
        expect=[no_consent(N_LANG)],
    ),
    "per category: yes for identification, identification asked": Case(
        per_category=True,
        decisions=[d("Sanne", "given", category=ID)],
        expect=[],
    ),
    "per category: Mark refuses language only, language asked": Case(
        per_category=True,
        check=LANG,
        decisions=[d("Sanne", "given"), d("Mark", "refused", 1, category=LANG)],
        expect=[f"Toestemming geweigerd door Mark op 4 maart 2026 voor de categorie {N_LANG}"],
    ),
    "per category: Mark refuses language only, identification asked": Case(
        per_category=True,
        decisions=[d("Sanne", "given"), d("Mark", "refused", 1, category=LANG)],
        expect=[],
    ),
    "per category: a later whole withdrawal covers every category": Case(
        per_category=True,
        check=LANG,
        decisions=[d("Sanne", "given", category=LANG), d("Sanne", "withdrawn", 1)],
        expect=["Toestemming ingetrokken door Sanne op 4 maart 2026"],
    ),
    # --- special categories need the explicit tick ---------------------------------------------
    "special: a plain yes does not cover health": Case(
        check=HEALTH,
        decisions=[d("Sanne", "given")],
        expect=[HEALTH_NOT_EXPLICIT],
    ),
    "special: a plain yes does cover identification": Case(decisions=[d("Sanne", "given")], expect=[]),
    "special: the explicit tick covers health": Case(
        check=HEALTH, decisions=[d("Sanne", "given", explicit=True)], expect=[]
    ),
    "special, one: Sanne plain, Mark explicit": Case(
        check=HEALTH,
        decisions=[d("Sanne", "given"), d("Mark", "given", explicit=True)],
        expect=[],
    ),
    "special, all: Sanne explicit, Mark plain": Case(
        policy="all",
        check=HEALTH,
        decisions=[d("Sanne", "given", explicit=True), d("Mark", "given")],
        expect=[f"Wacht op uitdrukkelijke toestemming van Mark voor de categorie {N_HEALTH}"],
    ),
    "special, per category: explicit yes for health": Case(
        per_category=True,
        check=HEALTH,
        decisions=[d("Sanne", "given", category=HEALTH, explicit=True)],
        expect=[],
    ),
    # --- informing: every basis ------------------------------------------------------------------
    "consent: Mark was not informed": Case(
        informed=("Sanne",),
        decisions=[d("Sanne", "given")],
        expect=["Mark is nog niet geïnformeerd over versie 1 van deze afspraak."],
    ),
    "legal duty: nobody informed": Case(
        basis="c",
        informed=(),
        expect=[
            "Sanne is nog niet geïnformeerd over versie 1 van deze afspraak.",
            "Mark is nog niet geïnformeerd over versie 1 van deze afspraak.",
        ],
    ),
    "legal duty: informed, no consent needed": Case(basis="c", expect=[]),
    "legal duty: informed only after the moment asked": Case(
        basis="c",
        informed_day=10,
        expect=[
            "Sanne is nog niet geïnformeerd over versie 1 van deze afspraak.",
            "Mark is nog niet geïnformeerd over versie 1 van deze afspraak.",
        ],
    ),
    "notice of v1 is not a notice of v2": Case(
        basis="c",
        versions=[{}, {"material": False}],
        informed=(),
        expect=[
            "Sanne is nog niet geïnformeerd over versie 2 van deze afspraak.",
            "Mark is nog niet geïnformeerd over versie 2 van deze afspraak.",
        ],
    ),
    # --- e/f: waiting period and objections --------------------------------------------------
    "public task: informed 20 days ago, waited 14": Case(basis="e", expect=[]),
    "public task: informed 5 days ago, still waiting": Case(
        basis="e",
        informed_day=0,
        expect=["Ouders mogen eerst bezwaar maken: de wachttijd na het informeren loopt tot 17 maart 2026."],
    ),
    "legitimate interest: objection pending": Case(
        basis="f",
        objections=[("Mark", "pending", 0, None)],
        expect=[
            "Mark heeft op 3 maart 2026 bezwaar gemaakt (art. 21 AVG); tot de directeur beslist, wordt er niets "
            "gedeeld."
        ],
    ),
    "public task: objection upheld": Case(
        basis="e",
        objections=[("Mark", "upheld", 0, 1)],
        expect=["Het bezwaar van Mark (art. 21 AVG) is op 4 maart 2026 toegewezen: er wordt niets gedeeld."],
    ),
    "public task: objection rejected": Case(basis="e", objections=[("Mark", "rejected", 0, 1)], expect=[]),
    "public task: objection decided only after the moment asked is still pending": Case(
        basis="e",
        objections=[("Mark", "rejected", 0, 10)],
        expect=[
            "Mark heeft op 3 maart 2026 bezwaar gemaakt (art. 21 AVG); tot de directeur beslist, wordt er niets "
            "gedeeld."
        ],
    ),
    "public task: objection filed after the moment asked": Case(
        basis="e", objections=[("Mark", "pending", 10, None)], expect=[]
    ),
    "legal duty: objections do not apply": Case(basis="c", objections=[("Mark", "pending", 0, None)], expect=[]),
}


def _build(world, case: Case, erik):
    child = world.child_daycare
    versions = []
    agreement = None
    for i, kwargs in enumerate(case.versions):
        last = i == len(case.versions) - 1
        status = kwargs.get("status", "active" if last else "superseded")
        v = agreement_version(
            world,
            basis=case.basis,
            policy=case.policy,
            per_category=case.per_category,
            agreement=agreement,
            material=kwargs.get("material", True),
            valid_months=case.valid_months,
            wait_days=case.wait_days,
            status=status,
            activated_at=None if status == "draft" else day(-60 + 10 * i),
        )
        if status == "draft":
            v.activated_at = None
            v.save(update_fields=["activated_at"])
        agreement = v.agreement
        versions.append(v)
    asked = versions[-1]
    people = {"Sanne": guardian(world, child, "Sanne"), "Mark": guardian(world, child, "Mark"), "Erik": erik}
    for who, state, n, category, explicit, vi in case.decisions:
        decide(versions[vi], child, people[who], state, at=day(n), category=category, explicit=explicit)
    inform(asked, child, [people[w] for w in case.informed], at=day(case.informed_day))
    for who, status, filed, decided in case.objections:
        object_(
            asked,
            child,
            people[who],
            at=day(filed),
            status=status,
            decided_at=day(decided) if decided is not None else None,
            by=world.user("director_childcare"),
        )
    return child, asked


@pytest.mark.parametrize("name", list(CASES))
def test_consent_rules(name, world, erik):
    case = CASES[name]
    child, version = _build(world, case, erik)
    reasons = consent_reasons(child=child, version=version, categories=[case.check], at=case.at)
    assert reasons == {case.check: case.expect}


def test_every_category_gets_its_own_list(world, erik):
    child, version = _build(world, Case(decisions=[d("Sanne", "given")]), erik)
    reasons = consent_reasons(child=child, version=version, categories=[ID, LANG, HEALTH], at=day(5))
    assert reasons[ID] == [] and reasons[LANG] == []
    assert reasons[HEALTH] == [HEALTH_NOT_EXPLICIT]


def test_sentences_are_available_in_english(world, erik):
    from django.utils import translation

    child, version = _build(world, Case(decisions=[d("Sanne", "given"), d("Mark", "withdrawn", 1)]), erik)
    with translation.override("en"):
        reasons = consent_reasons(child=child, version=version, categories=[ID], at=day(5))
    # The date is formatted in the active language; the sentence itself comes from locale/en.
    assert "4 March 2026" in reasons[ID][0]


# --- The state in words (coverage page, portal) ----------------------------------------------------

SUMMARIES = {
    "nobody answered": (Case(), "no_answer", "Nog geen antwoord van Sanne en Mark"),
    "all: Sanne gave, waiting for Mark": (
        Case(policy="all", decisions=[d("Sanne", "given", explicit=True)]),
        "no_answer",
        "Toestemming van Sanne; wacht op Mark",
    ),
    "one: Sanne gave": (Case(decisions=[d("Sanne", "given", explicit=True)]), "given", "Toestemming van Sanne"),
    "both gave": (
        Case(policy="all", decisions=[d("Sanne", "given", explicit=True), d("Mark", "given", explicit=True)]),
        "given",
        "Toestemming van Sanne en Mark",
    ),
    "conflict": (
        Case(decisions=[d("Sanne", "given", explicit=True), d("Mark", "refused", 1)]),
        "conflict",
        "Toestemming van Sanne; geweigerd door Mark",
    ),
    "withdrawn": (
        Case(decisions=[d("Sanne", "given", explicit=True), d("Sanne", "withdrawn", 1)]),
        "withdrawn",
        "Ingetrokken door Sanne op 4 maart 2026",
    ),
    "refused": (Case(decisions=[d("Mark", "refused")]), "refused", "Geweigerd door Mark"),
    "plain yes, health not covered": (
        Case(decisions=[d("Sanne", "given")]),
        "given",
        f"Toestemming van Sanne, niet voor: {N_HEALTH}",
    ),
    "legal duty": (
        Case(basis="c"),
        "not_needed",
        "Geen toestemming nodig: de wet regelt deze overdracht; ouders worden wel geïnformeerd",
    ),
    "material change": (
        Case(versions=[{}, {"material": True}], decisions=[d("Sanne", "given", -40, version=0)]),
        "no_answer",
        "Nog geen antwoord van Sanne en Mark; eerdere toestemming geldt niet voor deze gewijzigde afspraak",
    ),
}


@pytest.mark.parametrize("name", list(SUMMARIES))
def test_consent_state_summary(name, world, erik):
    case, state, sentence = SUMMARIES[name]
    child, version = _build(world, case, erik)
    summary = consent_state_summary(child=child, version=version, at=case.at)
    assert (summary.state, summary.sentence) == (state, sentence)


def test_summary_allowed_and_informed(world, erik):
    child, version = _build(world, Case(decisions=[d("Sanne", "given", explicit=True)], informed=("Sanne",)), erik)
    summary = consent_state_summary(child=child, version=version, at=day(5))
    assert summary.state == "given" and not summary.informed and not summary.allowed
    assert "Mark is nog niet geïnformeerd over versie 1 van deze afspraak." in summary.reasons
