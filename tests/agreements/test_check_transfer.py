"""check_transfer: what agreements alone decide, re-checked at the moment asked."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, timezone, translation

from agreements import rules, services
from agreements.models import AgreementVersion, Approval
from tests.builders import activate, category, decide, guardian, inform_all, make_active, make_awaiting, vve_spec

AMS = ZoneInfo("Europe/Amsterdam")
VVE = ["vve_programme", "vve_duration"]


def informed(world, version: AgreementVersion) -> AgreementVersion:
    """Parents must be informed of a version, whatever its basis (consent/notice rules)."""
    inform_all(version, world.child_daycare, at=timezone.now() - datetime.timedelta(days=1))
    return version


@pytest.fixture
def vve(world) -> AgreementVersion:
    return informed(world, make_active(world, title="VVE", spec_maker=vve_spec))


def _check(world, version, **kw):
    args = dict(
        child=world.child_daycare,
        agreement_version=version,
        categories=VVE,
        at=timezone.now(),
        requester=world.user("staff_childcare"),
        method=rules.METHOD_IN_APP,
    )
    args.update(kw)
    return rules.check_transfer(**args)


def test_vve_handover_by_daycare_staff_is_allowed(world, vve):
    verdict = _check(world, vve)
    assert verdict.allowed
    duty = (
        "De wet verplicht de overdracht van {name} (grondslag c, wettelijke verplichting: "
        + rules.DEFAULT_VVE_REFERENCE
        + "). Ouders hoeven geen toestemming te geven en hebben geen recht van bezwaar (art. 21 AVG geldt alleen bij "
        "grondslag e en f); zij worden wel vooraf geïnformeerd."
    )
    assert verdict.per_category == {
        "vve_programme": (
            True,
            [
                "VVE-programma dat het kind volgde staat in de afspraak.",
                duty.format(name="VVE-programma dat het kind volgde"),
            ],
        ),
        "vve_duration": (
            True,
            ["Duur van het VVE-programma staat in de afspraak.", duty.format(name="Duur van het VVE-programma")],
        ),
    }
    assert verdict.reasons == [
        "Toegestaan: de afspraak ‘VVE v1’ is actief en de grondslag is c. Wettelijke verplichting."
    ]
    assert verdict.codes == [] and verdict.warnings == []


def test_categories_may_be_given_as_objects(world, vve):
    assert _check(world, vve, categories=[category("vve_programme")]).allowed


def test_the_sending_director_may_hand_over_at_any_location(world, vve):
    assert _check(world, vve, requester=world.user("director_childcare")).allowed


# (id, arguments changed, code, exact reason or None)
REFUSALS = [
    (
        "e-mail",
        lambda w, v: {"method": rules.METHOD_EMAIL},
        "method_email",
        "E-mail is nooit toegestaan: niet mailen maar delen.",
    ),
    (
        "method not in the agreement",
        lambda w, v: {"method": rules.METHOD_MEETING},
        "method_not_allowed",
        "Deze afspraak staat overdracht via ‘driegesprek met ouders’ niet toe.",
    ),
    (
        "the school's own record",
        lambda w, v: {"child": w.child_school},
        "child_not_of_sender",
        "Dit kind staat niet ingeschreven bij {childcare}, de verzendende organisatie van deze afspraak. Een "
        "organisatie deelt alleen gegevens uit haar eigen administratie.",
    ),
    (
        "privacy officer",
        lambda w, v: {"requester": w.user("po_childcare")},
        "privacy_officer_never_sends",
        "Een privacy officer controleert en adviseert, maar draagt zelf geen gegevens over.",
    ),
    (
        "receiving side pulls",
        lambda w, v: {"requester": w.user("staff_school")},
        "receiver_cannot_pull",
        "De ontvangende organisatie kan gegevens niet zelf ophalen: alleen {childcare} draagt over.",
    ),
    (
        "receiving director pulls",
        lambda w, v: {"requester": w.user("director_school")},
        "receiver_cannot_pull",
        "De ontvangende organisatie kan gegevens niet zelf ophalen: alleen {childcare} draagt over.",
    ),
    (
        "stranger",
        lambda w, v: {"requester": w.user("stranger")},
        "requester_not_sender",
        "U werkt niet bij {childcare} en kunt onder deze afspraak geen gegevens overdragen.",
    ),
    (
        "parent",
        lambda w, v: {"requester": w.user("parent_a")},
        "requester_not_sender",
        "U werkt niet bij {childcare} en kunt onder deze afspraak geen gegevens overdragen.",
    ),
    (
        "nobody",
        lambda w, v: {"requester": None},
        "requester_unknown",
        "Alleen een ingelogde medewerker van {childcare} kan gegevens overdragen.",
    ),
    (
        "staff of another location",
        lambda w, v: {"child": w.child_bso},
        "requester_wrong_location",
        "U werkt niet op BSO Test, de locatie van dit kind.",
    ),
    (
        "child without VVE",
        lambda w, v: {"child": w.child_bso, "requester": w.user("director_childcare")},
        "no_vve_programme",
        "Dit kind heeft geen VVE-programma gevolgd. De wettelijke overdracht geldt alleen voor kinderen die "
        "voorschoolse educatie kregen.",
    ),
    (
        "no categories",
        lambda w, v: {"categories": []},
        "no_categories",
        "Kies ten minste één gegevenscategorie om te delen.",
    ),
    (
        "before activation",
        lambda w, v: {"at": v.activated_at - datetime.timedelta(seconds=1)},
        "version_not_active",
        None,
    ),
]


@pytest.mark.parametrize(("case", "change", "code", "text"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals(world, vve, case, change, code, text):
    verdict = _check(world, vve, **change(world, vve))
    assert not verdict.allowed
    assert code in verdict.codes
    if text is not None:
        assert text.format(childcare=world.childcare.name) in verdict.reasons


def test_category_outside_the_agreement_is_refused_per_category(world, vve):
    verdict = _check(world, vve, categories=["vve_programme", "health"])
    assert not verdict.allowed
    assert verdict.per_category["vve_programme"][0] is True
    assert verdict.per_category["health"] == (
        False,
        ["Gezondheid, allergieën en medicatie staat niet in deze afspraak en mag niet worden gedeeld."],
    )
    assert "category_not_in_agreement" in verdict.codes
    assert verdict.reasons == ["Niet alle gekozen gegevens mogen worden gedeeld; zie per categorie."]


def test_parents_must_be_informed_whatever_the_basis(world):
    version = make_active(world, title="VVE", spec_maker=vve_spec)  # legal duty: no consent, but a notice
    verdict = _check(world, version)
    assert not verdict.allowed and "parents" in verdict.codes
    assert verdict.per_category["vve_programme"] == (
        False,
        [
            "Sanne is nog niet geïnformeerd over versie 1 van deze afspraak.",
            "Mark is nog niet geïnformeerd over versie 1 van deze afspraak.",
        ],
    )


def test_consent_decides_per_category_under_consent(world):
    version = informed(world, make_active(world))  # development line under consent, policy "one"
    verdict = _check(world, version, categories=["development_language"])
    assert not verdict.allowed
    assert verdict.per_category["development_language"] == (
        False,
        [
            "Geen toestemming voor de categorie Ontwikkeling: taal. De grondslag is toestemming: zonder een ‘ja’ van "
            "een ouder met ouderlijk gezag wordt niets gedeeld (stilte is geen ja)."
        ],
    )
    sanne = guardian(world, world.child_daycare, "Sanne")
    mark = guardian(world, world.child_daycare, "Mark")
    given_at = version.activated_at + datetime.timedelta(seconds=1)
    withdrawn_at = version.activated_at + datetime.timedelta(seconds=3)
    decide(version, world.child_daycare, sanne, "given", at=given_at)
    assert _check(world, version, categories=["development_language"], at=given_at).allowed
    decide(version, world.child_daycare, mark, "given", at=given_at)
    decide(version, world.child_daycare, mark, "withdrawn", at=withdrawn_at)
    verdict = _check(world, version, categories=["development_language"], at=withdrawn_at)
    day = formats.date_format(withdrawn_at.astimezone(AMS).date(), "j F Y")
    assert not verdict.allowed and "parents" in verdict.codes
    assert verdict.per_category["development_language"] == (False, [f"Toestemming ingetrokken door Mark op {day}"])
    # Counted when decided at or before `at`: just before the withdrawal it was allowed.
    assert _check(
        world, version, categories=["development_language"], at=withdrawn_at - datetime.timedelta(seconds=1)
    ).allowed


def test_a_draft_or_half_approved_version_is_not_active(world):
    half = make_awaiting(
        world,
        legal_basis="c",
        purpose="vve_handover",
        items=vve_spec(world).items,
        statutory_provision=rules.DEFAULT_VVE_REFERENCE,
    )  # submitted, and so approved, by the childcare director only
    verdict = _check(world, half)
    assert not verdict.allowed and "version_not_active" in verdict.codes
    assert verdict.reasons[0].startswith("Deze versie van de afspraak is niet door beide directeuren goedgekeurd")


def test_a_stored_active_status_alone_is_not_trusted(world):
    version = services.agreement_create(actor=world.user("director_childcare"), spec=vve_spec(world), title="Nep")
    AgreementVersion.objects.filter(pk=version.pk).update(status="active", activated_at=timezone.now())
    version.refresh_from_db()
    verdict = _check(world, version)
    assert not verdict.allowed and "version_not_active" in verdict.codes


def test_an_approval_that_was_returned_later_does_not_count(world, vve):
    # Both approvals exist, but one side returned a later round: that round is not approved.
    Approval.objects.filter(version=vve, organisation=world.school).update(decision="returned")
    assert "version_not_active" in _check(world, vve).codes


def test_superseded_version_is_refused_after_but_allowed_before(world, vve):
    before = timezone.now()
    new = services.agreement_amend(agreement=vve.agreement, actor=world.user("director_school"))
    new = informed(world, activate(world, new))
    vve.refresh_from_db()
    assert vve.status == "superseded"
    verdict = _check(world, vve)
    assert "version_superseded" in verdict.codes
    assert _check(world, vve, at=before).allowed  # it was active at that moment
    assert _check(world, new).allowed


def test_ended_agreement_is_refused_from_the_moment_it_ended(world, vve):
    before = timezone.now()
    services.agreement_end(agreement=vve.agreement, actor=world.user("director_school"), reason="Gestopt.")
    vve.refresh_from_db()
    verdict = _check(world, vve)
    day = formats.date_format(timezone.localdate(), "j F Y")
    assert not verdict.allowed and f"De afspraak is op {day} beëindigd." in verdict.reasons
    assert _check(world, vve, at=before).allowed


def test_validity_uses_amsterdam_calendar_days_both_inclusive(world, vve):
    last_day = timezone.localdate() + datetime.timedelta(days=5)
    AgreementVersion.objects.filter(pk=vve.pk).update(valid_until=last_day)
    vve.refresh_from_db()
    late_evening = datetime.datetime.combine(last_day, datetime.time(23, 30), tzinfo=AMS)
    just_after_midnight = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time(0, 30), tzinfo=AMS
    )
    assert _check(world, vve, at=late_evening).allowed
    # 00:30 in Amsterdam is still the previous day in UTC, yet the agreement no longer holds.
    assert just_after_midnight.astimezone(datetime.UTC).date() == last_day
    verdict = _check(world, vve, at=just_after_midnight)
    assert not verdict.allowed and "outside_validity" in verdict.codes
    start = formats.date_format(vve.valid_from, "j F Y")
    end = formats.date_format(last_day, "j F Y")
    after = formats.date_format(last_day + datetime.timedelta(days=1), "j F Y")
    assert f"De afspraak geldt van {start} tot en met {end}; {after} valt daarbuiten." in verdict.reasons


def test_not_yet_valid(world):
    future = timezone.localdate() + datetime.timedelta(days=10)
    version = make_active(world, title="Later", spec_maker=vve_spec, valid_from=future)
    verdict = _check(world, version)
    assert f"De afspraak geldt pas vanaf {formats.date_format(future, 'j F Y')}." in verdict.reasons


def test_agreement_that_no_longer_meets_the_rules_is_refused(world, vve):
    AgreementVersion.objects.filter(pk=vve.pk).update(statutory_provision="")
    vve.refresh_from_db()
    verdict = _check(world, vve)
    assert "agreement_invalid" in verdict.codes
    assert any(
        r.startswith("De afspraak voldoet niet (meer) aan de regels: Noem de wettelijke bepaling")
        for r in verdict.reasons
    )


def test_naive_datetime_is_a_programming_error(world, vve):
    with pytest.raises(ValueError):
        _check(world, vve, at=datetime.datetime(2026, 1, 1, 12, 0))


def test_category_names_in_reasons_follow_the_language(world, vve):
    with translation.override("en"):
        verdict = _check(world, vve, categories=["health"])
    assert verdict.per_category["health"][1][0].startswith("Health, allergies and medication")
