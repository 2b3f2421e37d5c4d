"""check_transfer, rule by rule, as a Dutch privacy officer would try it: restriction of
processing (art. 18), the legal duty per category, what is not an agreement transfer at
all, warnings, and the sentences that name the rule that decided (Dutch and English).

Noah (daycare, VVE programme) has Sanne and Mark with parental authority and Erik without.
T0 is 3 March 2026; parents were informed 20 days before (day -20).
"""

from __future__ import annotations

import pytest
from django.utils import translation

from agreements import rules
from agreements.models import AgreementItem
from consent.models import ProcessingRestriction
from ikc_share.models import FunctionTitle, Organisation
from tests.builders import agreement_version, category, day, decide, guardian, inform_all, object_

ID = "identification"
LANG = "development_language"
HEALTH = "health"
VVE = ["vve_programme", "vve_duration"]
N_LANG = "Ontwikkeling: taal"
N_HEALTH = "Gezondheid, allergieën en medicatie"


def ask(world, version, categories, *, at=None, **kw):
    return rules.check_transfer(
        child=world.child_daycare,
        agreement_version=version,
        categories=categories,
        at=at or day(5),
        requester=world.user("staff_childcare"),
        method=rules.METHOD_IN_APP,
        **kw,
    )


def consented(world, **kw):
    """The development line under consent, informed, Sanne said yes on day 0 (explicitly)."""
    v = agreement_version(world, **kw)
    inform_all(v, world.child_daycare, at=day(-20))
    decide(v, world.child_daycare, guardian(world, world.child_daycare, "Sanne"), "given", explicit=True)
    return v


# --- 1. Restriction of processing (art. 18) ----------------------------------------------------------


def restrict(world, code, *, at, lifted=None):
    return ProcessingRestriction.objects.create(
        child=world.child_daycare,
        category=category(code),
        requested_by=guardian(world, world.child_daycare, "Mark"),
        reason="Correctie loopt",
        started_at=at,
        recorded_by=world.user("director_childcare"),
        lifted_at=lifted,
        lifted_by=world.user("director_childcare") if lifted else None,
        lift_reason="Correctie afgerond" if lifted else "",
    )


RESTRICTED_LANG = (
    f"Op verzoek van de ouders is de verwerking van {N_LANG} sinds 4 maart 2026 beperkt (art. 18 AVG). Zolang die "
    f"beperking geldt, wordt {N_LANG} niet gedeeld."
)


def test_a_restricted_category_is_refused_the_others_are_judged_as_usual(world):
    v = consented(world)
    restrict(world, LANG, at=day(1))
    verdict = ask(world, v, [ID, LANG])
    assert not verdict.allowed and "restricted" in verdict.codes
    assert verdict.per_category[LANG] == (False, [RESTRICTED_LANG])
    assert verdict.per_category[ID][0] is True
    # Before it took effect, the category was allowed.
    assert ask(world, v, [LANG], at=day(0, hour=12)).allowed


def test_a_lifted_restriction_no_longer_refuses(world):
    v = consented(world)
    restrict(world, LANG, at=day(1), lifted=day(3))
    assert not ask(world, v, [LANG], at=day(2)).allowed
    assert ask(world, v, [LANG], at=day(4)).allowed


def test_a_restriction_refuses_under_every_basis(world):
    v = agreement_version(world, basis="c", codes=VVE, purpose="vve_handover")
    inform_all(v, world.child_daycare, at=day(-20))
    assert ask(world, v, VVE).allowed
    restrict(world, "vve_duration", at=day(1))
    verdict = ask(world, v, VVE)
    assert verdict.per_category["vve_duration"][0] is False and verdict.per_category["vve_programme"][0] is True
    assert "(art. 18 AVG)" in verdict.per_category["vve_duration"][1][0]


def test_the_restriction_sentence_in_english(world):
    v = consented(world)
    restrict(world, LANG, at=day(1))
    with translation.override("en"):
        verdict = ask(world, v, [LANG])
    assert verdict.per_category[LANG][1] == [
        "At the parents' request, the processing of Development: language has been restricted since 4 March 2026 "
        "(art. 18 GDPR). While the restriction stands, Development: language is not shared."
    ]


# --- 2. Legal duty (c), per category ----------------------------------------------------------------


def test_the_legal_duty_covers_only_programme_and_duration_never_health(world):
    v = agreement_version(world, basis="c", codes=[*VVE, LANG, HEALTH], purpose="vve_handover")
    inform_all(v, world.child_daycare, at=day(-20))
    verdict = ask(world, v, [*VVE, LANG, HEALTH])
    assert not verdict.allowed
    assert verdict.per_category["vve_programme"][0] is True
    assert verdict.per_category["vve_duration"][0] is True
    assert verdict.per_category[LANG] == (
        False,
        [
            "De wettelijke VVE-overdracht (grondslag c) dekt alleen het gevolgde programma voor voor- en "
            f"vroegschoolse educatie en de duur ervan. {N_LANG} valt daarbuiten: daarvoor is toestemming van de "
            "ouders nodig, in een aparte afspraak op die grondslag."
        ],
    )
    assert verdict.per_category[HEALTH] == (
        False,
        [
            f"{N_HEALTH} is een bijzonder persoonsgegeven (art. 9 AVG). Een wettelijke verplichting (grondslag c) "
            "dekt nooit bijzondere persoonsgegevens: delen kan alleen met uitdrukkelijke toestemming van de ouders "
            "(art. 9 lid 2 sub a AVG), in een aparte afspraak."
        ],
    )
    assert {"legal_duty_not_covered", "legal_duty_special"} <= set(verdict.codes)


def test_consent_does_not_widen_the_legal_duty(world):
    """Even with every parent's explicit yes on file, a c-agreement shares only what the duty covers."""
    v = agreement_version(world, basis="c", codes=[*VVE, HEALTH], purpose="vve_handover")
    inform_all(v, world.child_daycare, at=day(-20))
    for name in ("Sanne", "Mark"):
        decide(v, world.child_daycare, guardian(world, world.child_daycare, name), "given", explicit=True)
    assert ask(world, v, [HEALTH]).per_category[HEALTH][0] is False


def test_under_the_legal_duty_an_objection_does_not_stop_the_handover_and_the_verdict_says_why(world):
    v = agreement_version(world, basis="c", codes=VVE, purpose="vve_handover")
    inform_all(v, world.child_daycare, at=day(-20))
    object_(v, world.child_daycare, guardian(world, world.child_daycare, "Mark"), at=day(1))
    verdict = ask(world, v, VVE)
    assert verdict.allowed
    assert (
        "Mark maakte op 4 maart 2026 bezwaar. Dat houdt deze overdracht niet tegen: tegen een wettelijke "
        "verplichting kunnen ouders geen bezwaar maken. Leg de ouders uit waarom de overdracht toch doorgaat."
    ) in verdict.reasons
    assert "geen recht van bezwaar" in verdict.per_category["vve_programme"][1][1]
    with translation.override("en"):
        english = ask(world, v, VVE)
    assert "parents have no right to object" in english.per_category["vve_programme"][1][1]


# --- 3. Not an agreement transfer ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("context", "words"),
    [
        ("emergency", "bel dan 112"),
        ("meldcode", "Veilig Thuis"),
        ("child_protection", "gezinsvoogd"),
        ("outside_ikc", "art. 42 WPO"),
    ],
)
def test_other_contexts_are_refused_as_an_agreement_transfer_and_name_their_route(world, context, words):
    v = consented(world)
    assert ask(world, v, [ID]).allowed  # as a regular transfer it would go ahead
    verdict = ask(world, v, [ID, LANG], context=context)
    assert not verdict.allowed and f"route_{context}" in verdict.codes
    assert words in verdict.reasons[0]
    # No category passes, however much consent is on file.
    assert all(not ok and words in sentences[0] for ok, sentences in verdict.per_category.values())
    assert verdict.reasons[0] == rules.contexts.route_sentence(context)


def test_a_meldcode_signal_never_passes_as_a_consented_category(world):
    v = consented(world)
    verdict = ask(world, v, [ID], context="meldcode")
    assert verdict.per_category[ID][0] is False and "niet gedeeld" not in verdict.per_category[ID][1][0]
    assert "nooit iets waar ouders toestemming voor gaven" in verdict.per_category[ID][1][0]


def test_a_recipient_outside_the_ikc_or_the_agreement_is_refused(world, django_user_model):
    v = consented(world)
    from tests.factories import IkcFactory

    outside = Organisation.objects.create(
        ikc=IkcFactory(name="Elders", slug="elders"), kind="school", name="OBS Elders"
    )
    verdict = ask(world, v, [ID], recipient_organisation=outside)
    assert not verdict.allowed and "route_outside_ikc" in verdict.codes
    verdict = ask(world, v, [ID], recipient_organisation=world.childcare)
    assert not verdict.allowed and "recipient_is_sender" in verdict.codes
    assert ask(world, v, [ID], recipient_organisation=world.school).allowed


def test_a_role_outside_the_receiving_roles_is_refused(world):
    v = consented(world)
    v.receiving_roles.set([FunctionTitle.objects.get(organisation=world.school, name="Intern begeleider")])
    teacher = FunctionTitle.objects.get(organisation=world.school, name="Leerkracht groep 1-2")
    verdict = ask(world, v, [ID], recipient_organisation=world.school, recipient_role=teacher)
    assert not verdict.allowed and "recipient_role_not_in_agreement" in verdict.codes
    assert "alleen Intern begeleider de gegevens; Leerkracht groep 1-2 hoort daar niet bij" in verdict.reasons[0]


# --- 4. Warnings ------------------------------------------------------------------------------------------


def test_a_contract_basis_warns_that_only_what_the_contract_strictly_needs_may_go(world):
    v = agreement_version(world, basis="b", codes=[ID], purpose="bso_school")
    inform_all(v, world.child_daycare, at=day(-20))
    verdict = ask(world, v, [ID])
    assert verdict.allowed
    assert verdict.warnings and verdict.warnings[0].startswith(
        "Let op: grondslag b (overeenkomst) dekt alleen wat strikt nodig is"
    )
    assert consented_has_no_warnings(world)


def consented_has_no_warnings(world) -> bool:
    return ask(world, consented(world, title="Andere"), [ID]).warnings == []


# --- Reasons that explain ------------------------------------------------------------------------------

NO_AUTHORITY_RULE = (
    "Voor een kind onder de 16 beslissen alleen de ouders met ouderlijk gezag (art. 5 UAVG, art. 1:245 BW). "
    "Een pleegouder, stiefouder of andere verzorger is geen wettelijk vertegenwoordiger; een voogd wel."
)
PARENTS_DECIDE = (
    "Het kind is jonger dan 16 jaar: niet het kind zelf, maar de ouders met ouderlijk gezag (de wettelijke "
    "vertegenwoordigers) beslissen over toestemming (art. 5 UAVG)."
)


def test_a_refusal_by_a_guardian_without_authority_does_not_count_and_the_verdict_says_why(world, erik):
    v = consented(world)
    decide(v, world.child_daycare, erik, "refused", at=day(1))
    verdict = ask(world, v, [ID])
    assert verdict.allowed
    assert verdict.per_category[ID][1] == [
        "Identificatiegegevens staat in de afspraak.",
        "Toestemming van Sanne (ouder met ouderlijk gezag) op 3 maart 2026.",
        "Erik weigerde of trok in, maar dat telt niet: Erik heeft geen ouderlijk gezag. " + NO_AUTHORITY_RULE,
    ]
    assert PARENTS_DECIDE in verdict.reasons


def test_consent_by_a_guardian_without_authority_does_not_count(world, erik):
    v = agreement_version(world)
    inform_all(v, world.child_daycare, at=day(-20))
    decide(v, world.child_daycare, erik, "given")
    verdict = ask(world, v, [ID])
    assert not verdict.allowed
    assert (
        "Erik gaf toestemming, maar dat telt niet: Erik heeft geen ouderlijk gezag. " + NO_AUTHORITY_RULE
        in (verdict.per_category[ID][1])
    )
    with translation.override("en"):
        english = ask(world, v, [ID])
    assert any("only the holders of parental authority decide" in s for s in english.per_category[ID][1])
    assert any("a guardian (voogd) is" in s for s in english.per_category[ID][1])


def test_consent_for_another_agreement_does_not_count_here(world):
    bso = agreement_version(world, title="BSO en school", codes=[ID], purpose="bso_school")
    decide(bso, world.child_daycare, guardian(world, world.child_daycare, "Sanne"), "given")
    v = agreement_version(world)
    inform_all(v, world.child_daycare, at=day(-20))
    verdict = ask(world, v, [ID])
    assert not verdict.allowed
    assert (
        "Sanne gaf toestemming voor een andere afspraak (‘BSO en school’). Die telt hier niet: toestemming geldt "
        "alleen voor de afspraak en het doel waarvoor zij werd gegeven."
    ) in verdict.per_category[ID][1]


def test_consent_lapses_after_a_material_change_and_carries_over_after_a_minor_one(world):
    v1 = agreement_version(world, status="superseded", activated_at=day(-60))
    decide(v1, world.child_daycare, guardian(world, world.child_daycare, "Sanne"), "given", at=day(-50))
    v2 = agreement_version(world, agreement=v1.agreement, material=True, activated_at=day(-40))
    v2.change_summary = "Taalontwikkeling toegevoegd"
    v2.save(update_fields=["change_summary"])
    inform_all(v2, world.child_daycare, at=day(-20))
    verdict = ask(world, v2, [ID])
    assert not verdict.allowed
    assert (
        "De toestemming van Sanne gold voor versie 1 en is vervallen: versie 2 van de afspraak is wezenlijk "
        "gewijzigd (Taalontwikkeling toegevoegd). De ouders beslissen daarom opnieuw."
    ) in verdict.per_category[ID][1]

    decide(v2, world.child_daycare, guardian(world, world.child_daycare, "Sanne"), "given", at=day(-10))
    v3 = agreement_version(world, agreement=v1.agreement, material=False, activated_at=day(-5))
    v3.change_summary = "Spelfout verbeterd."
    v3.save(update_fields=["change_summary"])
    inform_all(v3, world.child_daycare, at=day(-4))
    verdict = ask(world, v3, [ID])
    assert verdict.allowed
    assert (
        "De toestemming van Sanne voor versie 2 geldt ook voor versie 3: die wijziging was niet wezenlijk "
        "(Spelfout verbeterd)."
    ) in verdict.per_category[ID][1]


def test_special_categories_rest_on_explicit_consent_and_say_so(world):
    v = consented(world, codes=[ID, HEALTH])
    verdict = ask(world, v, [HEALTH])
    assert verdict.allowed
    assert (
        f"{N_HEALTH} is een bijzonder persoonsgegeven (art. 9 AVG). Dit mag alleen worden gedeeld omdat de ouders "
        "er uitdrukkelijk toestemming voor gaven (art. 9 lid 2 sub a AVG)."
    ) in verdict.per_category[HEALTH][1]
    with translation.override("en"):
        english = ask(world, v, [HEALTH])
    assert any("explicit consent (art. 9(2)(a) GDPR)" in s for s in english.per_category[HEALTH][1])


def test_under_f_the_verdict_says_parents_may_object_and_whether_anyone_did(world):
    v = agreement_version(world, basis="f", codes=[ID])
    inform_all(v, world.child_daycare, at=day(-20))
    verdict = ask(world, v, [ID])
    assert verdict.allowed
    assert (
        "Ouders mogen tegen deze overdracht bezwaar maken (art. 21 AVG, bij grondslag e en f); niemand heeft dat "
        "gedaan."
    ) in verdict.reasons
    object_(
        v,
        world.child_daycare,
        guardian(world, world.child_daycare, "Mark"),
        at=day(1),
        status="rejected",
        decided_at=day(2),
        by=world.user("director_childcare"),
    )
    verdict = ask(world, v, [ID])
    assert verdict.allowed
    assert (
        "Ouders mogen bezwaar maken (art. 21 AVG). Het bezwaar van Mark is op 5 maart 2026 afgewezen en houdt de "
        "overdracht niet meer tegen."
    ) in verdict.reasons


def test_the_verdict_for_many_agreements_at_once_is_the_same_as_one_by_one(world, erik):
    a = consented(world)
    restrict(world, LANG, at=day(1))
    c = agreement_version(world, title="VVE", basis="c", codes=[*VVE, LANG], purpose="vve_handover")
    inform_all(c, world.child_daycare, at=day(-20))
    AgreementItem.objects.filter(version=c).count()
    questions = [
        rules.TransferQuestion(version=a, categories=[ID, LANG], method=rules.METHOD_IN_APP),
        rules.TransferQuestion(version=c, categories=[*VVE, LANG], method=rules.METHOD_IN_APP),
    ]
    many = rules.check_transfers(
        child=world.child_daycare, questions=questions, at=day(5), requester=world.user("staff_childcare")
    )
    for q, verdict in zip(questions, many, strict=True):
        one = ask(world, q.version, q.categories)
        assert (verdict.allowed, verdict.per_category, verdict.reasons, verdict.codes, verdict.warnings) == (
            one.allowed,
            one.per_category,
            one.reasons,
            one.codes,
            one.warnings,
        )
