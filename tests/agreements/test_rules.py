"""Every legal-basis rule with its exact message: table-driven."""

from __future__ import annotations

import datetime
import inspect
import re

import pytest
from django.utils import translation

from agreements import rules
from agreements.models import Art9Condition, LegalBasis, Purpose
from consent.choices import ConsentDecisionState, ObjectionStatus
from ikc_share.models import Location
from tests.builders import items, role, spec, vve_spec
from tests.factories import IkcFactory, make_organisation

OBJECTION = (
    "Bij deze grondslag mogen ouders bezwaar maken (art. 21 AVG). De informatiebrief vertelt hun dat; zolang een "
    "bezwaar loopt of is toegekend, worden de gegevens van hun kind niet gedeeld."
)
INFORM = (
    "Ook zonder toestemming als grondslag informeert u de ouders vooraf: waarom, welke gegevens, hoe, wie ze "
    "ontvangt, de grondslag en hun rechten."
)


def school_to_childcare(w, **kw):
    values = dict(
        sending_organisation=w.school,
        receiving_organisation=w.childcare,
        purpose=Purpose.BSO_SCHOOL,
        items=items("bso_practical"),
        receiving_roles=[role(w.childcare, "Pedagogisch medewerker")],
        receiving_locations=[w.bso],
    )
    values.update(kw)
    return spec(w, **values)


# id, spec maker (world → VersionSpec), code, severity, expected text (formatted with names)
CASES = [
    # --- organisations
    (
        "same organisation",
        lambda w: spec(
            w,
            receiving_organisation=w.childcare,
            receiving_roles=[],
            receiving_locations=[],
            purpose=Purpose.BSO_SCHOOL,
        ),
        "organisations_same",
        rules.ERROR,
        "De verzendende en de ontvangende organisatie moeten twee verschillende organisaties zijn.",
    ),
    (
        "other IKC",
        lambda w: spec(
            w,
            receiving_organisation=make_organisation(
                ikc=IkcFactory(name="IKC Elders"), kind="school", name="School Elders"
            ),
            receiving_roles=[],
            receiving_locations=[],
        ),
        "organisations_other_ikc",
        rules.ERROR,
        "Beide organisaties moeten bij hetzelfde IKC horen; School Elders hoort niet bij IKC Test.",
    ),
    # --- purpose
    (
        "development line from school",
        lambda w: school_to_childcare(w, purpose=Purpose.DEVELOPMENT_LINE),
        "purpose_direction",
        rules.ERROR,
        "Het doel ‘Doorgaande ontwikkellijn kinderopvang → school’ hoort bij een overdracht van de kinderopvang naar "
        "de school; deze afspraak loopt van {school} naar {childcare}.",
    ),
    (
        "no explanation",
        lambda w: spec(w, purpose_explanation="  "),
        "no_explanation",
        rules.ERROR,
        "Leg het doel in gewone taal uit voor ouders: waarom worden deze gegevens gedeeld?",
    ),
    # --- items
    (
        "no items",
        lambda w: spec(w, items=[]),
        "no_items",
        rules.ERROR,
        "Kies ten minste één gegevenscategorie: welke gegevens zijn nodig voor het doel?",
    ),
    (
        "item without justification",
        lambda w: spec(w, items=items("development_language", justification=" ") + items("development_motor")),
        "item_without_justification",
        rules.ERROR,
        "Leg bij elke gegevenscategorie uit waarom die nodig is voor het doel. Dat ontbreekt nog bij: "
        "Ontwikkeling: taal.",
    ),
    (
        "item twice",
        lambda w: spec(w, items=items("development_motor", "development_motor")),
        "item_twice",
        rules.ERROR,
        "Ontwikkeling: motoriek staat meer dan eens in de afspraak.",
    ),
    # --- methods
    (
        "e-mail",
        lambda w: spec(w, methods=frozenset({rules.METHOD_EMAIL, rules.METHOD_IN_APP})),
        "email_not_allowed",
        rules.ERROR,
        "E-mail is geen veilige manier om gegevens over een kind over te dragen en kan niet worden gekozen: niet "
        "mailen maar delen.",
    ),
    (
        "no method",
        lambda w: spec(w, methods=frozenset()),
        "no_method",
        rules.ERROR,
        "Kies ten minste één manier van overdragen: delen in de app of een driegesprek met de ouders.",
    ),
    (
        "only e-mail also means no method",
        lambda w: spec(w, methods=frozenset({rules.METHOD_EMAIL})),
        "no_method",
        rules.ERROR,
        "Kies ten minste één manier van overdragen: delen in de app of een driegesprek met de ouders.",
    ),
    (
        "unknown method",
        lambda w: spec(w, methods=frozenset({rules.METHOD_IN_APP, "fax"})),
        "method_unknown",
        rules.ERROR,
        "Alleen delen in de app of een driegesprek met de ouders zijn mogelijke manieren van overdragen.",
    ),
    # --- receivers
    (
        "no receiving roles",
        lambda w: spec(w, receiving_roles=[]),
        "no_receiving_roles",
        rules.ERROR,
        "Kies ten minste één functie bij {school} die de gegevens mag inzien.",
    ),
    (
        "role of the sender",
        lambda w: spec(w, receiving_roles=[role(w.childcare, "Pedagogisch medewerker")]),
        "role_not_at_receiver",
        rules.ERROR,
        "De functie(s) Pedagogisch medewerker horen niet bij {school}. Kies functies uit de functielijst van de "
        "ontvangende organisatie.",
    ),
    (
        "location of the sender",
        lambda w: spec(w, receiving_locations=[w.daycare]),
        "location_not_at_receiver",
        rules.ERROR,
        "De locatie(s) KDV Test horen niet bij {school}.",
    ),
    # --- retention and validity
    (
        "no retention",
        lambda w: spec(w, retention_months=0),
        "retention_missing",
        rules.ERROR,
        "Geef aan hoe lang de ontvangende organisatie de gegevens bewaart: ten minste één maand.",
    ),
    (
        "end before start",
        lambda w: spec(w, valid_until=spec(w).valid_from - datetime.timedelta(days=1)),
        "validity_order",
        rules.ERROR,
        "De einddatum ligt vóór de begindatum.",
    ),
    # --- c: legal duty
    (
        "legal duty school → childcare",
        lambda w: school_to_childcare(
            w, legal_basis=LegalBasis.LEGAL_DUTY, items=items("vve_programme"), statutory_provision="Wet"
        ),
        "legal_duty_direction",
        rules.ERROR,
        "Een wettelijke verplichting (grondslag c) geldt alleen voor de overdracht van voorschoolse educatie (VVE) "
        "van de kinderopvang naar de school. Deze afspraak loopt van {school} naar {childcare}: vraag de ouders om "
        "toestemming.",
    ),
    (
        "legal duty with non-statutory items",
        lambda w: vve_spec(w, items=items("vve_programme", "vve_duration", "development_language", "home_situation")),
        "legal_duty_items",
        rules.ERROR,
        "Een wettelijke verplichting (grondslag c) dekt alleen wat de wet voorschrijft: het gevolgde VVE-programma en "
        "de duur ervan. Voor Ontwikkeling: taal en Thuissituatie is toestemming van de ouders nodig. Haal deze "
        "gegevens uit deze afspraak en leg ze vast in een aparte afspraak op basis van toestemming.",
    ),
    (
        "legal duty without provision",
        lambda w: vve_spec(w, statutory_provision=""),
        "legal_duty_provision",
        rules.ERROR,
        "Noem de wettelijke bepaling waarop de verplichting berust, bijvoorbeeld: Besluit basisvoorwaarden kwaliteit "
        "voorschoolse educatie (op grond van art. 1.50b Wet kinderopvang) en Wet op het primair onderwijs (doorgaande "
        "lijn van voorschoolse naar vroegschoolse educatie).",
    ),
    ("legal duty: parents are informed", lambda w: vve_spec(w), "inform_parents", rules.NOTICE, INFORM),
    # --- art. 9
    (
        "special without condition",
        lambda w: spec(w, items=items("health", "care_needs")),
        "special_needs_art9",
        rules.ERROR,
        "Zorgbehoefte en betrokken hulpverleners en Gezondheid, allergieën en medicatie zijn bijzondere "
        "persoonsgegevens (gezondheid, art. 9 AVG). Die mogen alleen worden uitgewisseld met een uitzondering uit "
        "art. 9 lid 2 AVG. Kies die uitzondering.",
    ),
    (
        "special with consent needs explicit consent",
        lambda w: spec(w, items=items("health"), art9_condition=Art9Condition.HEALTH_CARE),
        "special_consent_not_explicit",
        rules.ERROR,
        "Met toestemming als grondslag moet de toestemming voor Gezondheid, allergieën en medicatie uitdrukkelijk "
        "zijn (art. 9 lid 2 onder a AVG): ouders zeggen apart en met zoveel woorden ja tegen deze gegevens. Kies "
        "‘uitdrukkelijke toestemming’.",
    ),
    (
        "legal duty never covers special",
        lambda w: vve_spec(w, items=items("vve_programme", "health"), art9_condition=Art9Condition.EXPLICIT_CONSENT),
        "special_basis_excluded",
        rules.ERROR,
        "Een wettelijke verplichting (c) of een vitaal belang (d) dekt geen bijzondere persoonsgegevens. Haal "
        "Gezondheid, allergieën en medicatie uit deze afspraak; wilt u ze toch delen, maak dan een afspraak op basis "
        "van uitdrukkelijke toestemming van de ouders.",
    ),
    (
        "vital interest never covers special",
        lambda w: spec(w, legal_basis=LegalBasis.VITAL_INTEREST, items=items("health")),
        "special_basis_excluded",
        rules.ERROR,
        "Een wettelijke verplichting (c) of een vitaal belang (d) dekt geen bijzondere persoonsgegevens. Haal "
        "Gezondheid, allergieën en medicatie uit deze afspraak; wilt u ze toch delen, maak dan een afspraak op basis "
        "van uitdrukkelijke toestemming van de ouders.",
    ),
    (
        "art. 9(2)(c) is an emergency",
        lambda w: school_to_childcare(
            w,
            legal_basis=LegalBasis.PUBLIC_TASK,
            statutory_provision="WPO",
            items=items("health"),
            art9_condition=Art9Condition.VITAL_INTEREST,
        ),
        "art9_vital_interest",
        rules.ERROR,
        "Vitaal belang (art. 9 lid 2 onder c AVG) geldt alleen als een kind in nood is en niemand toestemming kan "
        "geven. Dat past bij een noodsituatie, niet bij een vaste afspraak.",
    ),
    (
        "art. 9(2)(g) rarely fits",
        lambda w: school_to_childcare(
            w,
            legal_basis=LegalBasis.PUBLIC_TASK,
            statutory_provision="WPO",
            items=items("health"),
            art9_condition=Art9Condition.SUBSTANTIAL_PUBLIC_INTEREST,
        ),
        "art9_public_interest_rare",
        rules.WARNING,
        "Zwaarwegend algemeen belang (art. 9 lid 2 onder g AVG) vraagt een wet die deze uitwisseling specifiek regelt. "
        "Voor kinderopvang en school is die er meestal niet; uitdrukkelijke toestemming van de ouders is dan de weg.",
    ),
    (
        "art. 9(2)(h) rarely fits",
        lambda w: school_to_childcare(
            w,
            legal_basis=LegalBasis.PUBLIC_TASK,
            statutory_provision="WPO",
            items=items("health"),
            art9_condition=Art9Condition.HEALTH_CARE,
        ),
        "art9_health_care_rare",
        rules.WARNING,
        "Gezondheidszorg (art. 9 lid 2 onder h AVG) geldt voor zorgverleners met een beroepsgeheim, zoals een "
        "jeugdarts. Een pedagogisch medewerker of leerkracht valt daar niet onder; uitdrukkelijke toestemming van de "
        "ouders is dan de weg.",
    ),
    (
        "condition without special categories",
        lambda w: spec(w, art9_condition=Art9Condition.EXPLICIT_CONSENT),
        "art9_without_special",
        rules.WARNING,
        "U koos een uitzondering voor bijzondere persoonsgegevens (art. 9 lid 2 AVG), maar deze afspraak bevat geen "
        "bijzondere persoonsgegevens. Laat dat veld leeg.",
    ),
    # --- e: public task
    (
        "public task for childcare",
        lambda w: spec(w, legal_basis=LegalBasis.PUBLIC_TASK, statutory_provision="X"),
        "public_task_not_available",
        rules.ERROR,
        "Een taak van algemeen belang (grondslag e) kan alleen een organisatie die zo’n taak bij wet heeft, zoals een "
        "school. {childcare} is een kinderopvangorganisatie en heeft die taak niet. Vraag de ouders om toestemming.",
    ),
    (
        "public task: name the task",
        lambda w: school_to_childcare(w, legal_basis=LegalBasis.PUBLIC_TASK),
        "public_task_provision",
        rules.WARNING,
        "Noem de wettelijke taak waarop de school zich beroept (art. 6 lid 3 AVG), zodat ouders kunnen nagaan waarop "
        "de uitwisseling berust.",
    ),
    (
        "public task: parents may object",
        lambda w: school_to_childcare(w, legal_basis=LegalBasis.PUBLIC_TASK, statutory_provision="WPO"),
        "public_task_objection",
        rules.NOTICE,
        OBJECTION,
    ),
    # --- f: legitimate interest
    (
        "legitimate interest for a school",
        lambda w: school_to_childcare(w, legal_basis=LegalBasis.LEGITIMATE_INTEREST, balancing_test="Afweging."),
        "legitimate_interest_public_authority",
        rules.ERROR,
        "{school} is als school een overheidsinstantie en verwerkt deze gegevens voor haar publieke taak. Daarvoor kan "
        "zij zich niet op gerechtvaardigd belang (grondslag f) beroepen (art. 6 lid 1, laatste zin AVG). Vraag de "
        "ouders om toestemming.",
    ),
    (
        "legitimate interest without balancing test",
        lambda w: spec(w, legal_basis=LegalBasis.LEGITIMATE_INTEREST),
        "legitimate_interest_balancing_test",
        rules.ERROR,
        "Bij gerechtvaardigd belang (grondslag f) legt u vast waarom het belang van de uitwisseling zwaarder weegt dan "
        "de privacy van het kind: de belangenafweging. Vul die in.",
    ),
    (
        "legitimate interest: parents may object",
        lambda w: spec(w, legal_basis=LegalBasis.LEGITIMATE_INTEREST, balancing_test="Afweging."),
        "legitimate_interest_objection",
        rules.NOTICE,
        OBJECTION,
    ),
    # --- d and b
    (
        "vital interest",
        lambda w: spec(w, legal_basis=LegalBasis.VITAL_INTEREST),
        "vital_interest_refused",
        rules.ERROR,
        "Vitaal belang (grondslag d) is bedoeld voor een noodsituatie waarin de gezondheid of het leven van een kind "
        "op het spel staat, niet voor een vaste afspraak. Volg in een noodsituatie de handleiding bij overdrachten en "
        "kies voor deze afspraak een andere grondslag, meestal toestemming van de ouders.",
    ),
    (
        "contract",
        lambda w: spec(w, legal_basis=LegalBasis.CONTRACT),
        "contract_rarely_fits",
        rules.WARNING,
        "Uitvoering van een overeenkomst (grondslag b) past zelden. De overeenkomst met de ouders gaat over de opvang "
        "of het onderwijs zelf; gegevens doorgeven aan een andere organisatie is daar bijna nooit voor nodig. "
        "Kinderopvang en school zijn twee aparte verantwoordelijken, elk met een eigen overeenkomst. Kies bij voorkeur "
        "toestemming van de ouders.",
    ),
    # --- issue 17.3: English texts for the English letter
    (
        "no English texts",
        lambda w: spec(w),
        "english_text_missing",
        rules.NOTICE,
        "De Engelse brief toont de Nederlandse tekst waar geen Engelse is ingevuld.",
    ),
]


@pytest.mark.parametrize(("case", "make", "code", "severity", "text"), CASES, ids=[c[0] for c in CASES])
def test_rule_message(world, case, make, code, severity, text):
    messages = rules.validate_version(make(world))
    found = [m for m in messages if m.code == code]
    assert found, f"{code} not in {[m.code for m in messages]}"
    expected = text.format(childcare=world.childcare.name, school=world.school.name)
    assert found[0].text == expected
    assert found[0].severity == severity


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda w: spec(w), id="development line under consent"),
        pytest.param(lambda w: vve_spec(w), id="VVE under legal duty"),
        pytest.param(lambda w: school_to_childcare(w), id="school → BSO under consent"),
        pytest.param(
            lambda w: spec(w, items=items("health", "care_needs"), art9_condition=Art9Condition.EXPLICIT_CONSENT),
            id="health, explicit consent",
        ),
        pytest.param(
            lambda w: spec(w, legal_basis=LegalBasis.LEGITIMATE_INTEREST, balancing_test="Afweging."),
            id="legitimate interest of a childcare organisation",
        ),
        pytest.param(
            lambda w: school_to_childcare(w, legal_basis=LegalBasis.PUBLIC_TASK, statutory_provision="WPO"),
            id="public task of a school",
        ),
        pytest.param(lambda w: spec(w, legal_basis=LegalBasis.CONTRACT), id="contract only warns"),
    ],
)
def test_valid_agreements_have_no_errors(world, make):
    assert rules.errors(rules.validate_version(make(world))) == []


def test_names_in_messages_follow_the_active_language(world):
    with translation.override("en"):
        messages = rules.validate_version(vve_spec(world, items=items("vve_programme", "home_situation")))
    text = next(m.text for m in messages if m.code == "legal_duty_items")
    assert "Home situation" in text


def test_every_rule_code_is_covered_by_the_table():
    """A new rule must come with a row in CASES (and its message)."""
    declared = set()
    for fn in rules.RULES:
        declared |= set(re.findall(r'(?<!\w)_(?:error|warning|notice)\(\s*"(\w+)"', inspect.getsource(fn)))
    assert len(declared) > 30
    assert declared - {c[2] for c in CASES} == set()


# --- material change ---------------------------------------------------------------------


CHANGES = [
    ("purpose changed", lambda w: {"purpose": Purpose.BSO_SCHOOL}, True, "purpose"),
    (
        "item added",
        lambda w: {"items": items("development_language", "development_social_emotional", "development_motor")},
        True,
        "items_added",
    ),
    ("item removed", lambda w: {"items": items("development_language")}, False, "items_removed"),
    ("legal basis changed", lambda w: {"legal_basis": LegalBasis.CONTRACT}, True, "legal_basis"),
    ("art. 9 condition changed", lambda w: {"art9_condition": Art9Condition.EXPLICIT_CONSENT}, True, "art9_condition"),
    (
        "receiving role added",
        lambda w: {"receiving_roles": [role(w.school, "Leerkracht groep 1-2"), role(w.school, "Intern begeleider")]},
        True,
        "roles_added",
    ),
    ("receiving role removed", lambda w: {"receiving_roles": []}, False, "roles_removed"),
    ("retention longer", lambda w: {"retention_months": 24}, True, "retention"),
    ("retention shorter", lambda w: {"retention_months": 6}, False, "retention"),
    ("explanation reworded", lambda w: {"purpose_explanation": "Nieuwe uitleg."}, False, "purpose_explanation"),
    ("method added", lambda w: {"methods": frozenset({rules.METHOD_IN_APP, rules.METHOD_MEETING})}, False, "methods"),
    ("validity changed", lambda w: {"valid_until": datetime.date(2099, 7, 31)}, False, "validity"),
    ("location changed", lambda w: {"receiving_locations": []}, False, "locations"),
]


@pytest.mark.parametrize(("case", "overrides", "material", "code"), CHANGES, ids=[c[0] for c in CHANGES])
def test_classify_change(world, case, overrides, material, code):
    old = spec(world)
    report = rules.classify_change(old, spec(world, **overrides(world)))
    assert [c.code for c in report.changes] == [code]
    assert report.is_material is material
    assert ("(wezenlijke wijziging)" in report.summary) is material


def test_no_change_is_not_material(world):
    report = rules.classify_change(spec(world), spec(world))
    assert report.changes == [] and not report.is_material


def test_change_summary_reads_as_sentences(world):
    report = rules.classify_change(spec(world), spec(world, retention_months=24, items=items("development_language")))
    assert report.summary.splitlines() == [
        "Gegevens geschrapt: Ontwikkeling: sociaal-emotioneel",
        "Bewaartermijn verlengd: 12 → 24 maanden (wezenlijke wijziging)",
    ]


def test_location_of_receiver_is_fine(world):
    extra = Location.objects.create(organisation=world.school, ikc=world.ikc, name="Dependance", kind="school")
    assert rules.errors(rules.validate_version(spec(world, receiving_locations=[extra]))) == []


def test_the_rules_name_the_stored_consent_states():
    """The rules may not import consent (a higher layer): the states they compare with are
    named in agreements/rules and must equal the stored ones."""
    assert (rules.objections.PENDING, rules.objections.UPHELD, rules.objections.REJECTED) == (
        ObjectionStatus.PENDING,
        ObjectionStatus.UPHELD,
        ObjectionStatus.REJECTED,
    )
    assert (rules.consent.GIVEN, rules.consent.REFUSED, rules.consent.WITHDRAWN) == (
        ConsentDecisionState.GIVEN,
        ConsentDecisionState.REFUSED,
        ConsentDecisionState.WITHDRAWN,
    )
