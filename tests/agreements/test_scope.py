"""The scope of an agreement version: which children of the sending organisation it
concerns (locations, an age range, only children with a VVE programme). A daycare child
without VVE is not asked about a VVE-only agreement, gets no letter, does not see it in
the portal and cannot be handed over under it; a child in scope is unchanged. Widening a
scope is a material change, narrowing it is not. Coverage counts only children in scope."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accountability import dashboard
from agreements import rules, services
from agreements.forms import VersionForm
from agreements.letters.selectors import batch_recipients
from agreements.models import AgreementVersion
from agreements.rules import scope
from consent.models import ConsentRound, ConsentRoundMail, ParentNotice
from consent.services import consent_round_start
from ikc_share.models import AuditEvent, Child, Guardian
from tests.builders import agreement_version, fake_letter, make_active, spec, vve_spec
from tests.factories import ChildFactory, link_guardian

pytestmark = pytest.mark.django_db

VVE_ONLY_TEXT = "Kinderen op KDV Test, met een VVE-programma"


@pytest.fixture(autouse=True)
def _storage(private_files, dutch):
    return private_files


def scoped(version: AgreementVersion, *, locations=(), min_age=None, max_age=None, vve_only=False):
    version.scope_locations.set(locations)
    version.scope_min_age, version.scope_max_age, version.scope_vve_only = min_age, max_age, vve_only
    version.save(update_fields=["scope_min_age", "scope_max_age", "scope_vve_only"])
    return AgreementVersion.objects.select_related("agreement__sending_organisation").get(pk=version.pk)


@pytest.fixture
def lotte(world) -> Child:
    """A daycare child WITHOUT a VVE programme, of the same parents as Noah."""
    child = ChildFactory(
        location=world.daycare,
        first_name="Lotte",
        last_name="Jansen",
        date_of_birth=timezone.localdate() - datetime.timedelta(days=2 * 365 + 100),
    )
    for guardian in Guardian.objects.filter(organisation=world.childcare):
        link_guardian(guardian=guardian, child=child)
    return child


@pytest.fixture
def vve(world) -> AgreementVersion:
    """The legal VVE handover, for the daycare's children with a VVE programme only."""
    version = agreement_version(
        world, basis="c", purpose="vve_handover", codes=["vve_programme", "vve_duration"], title="VVE (test)"
    )
    fake_letter(version, "nl")
    return scoped(version, locations=[world.daycare], vve_only=True)


@pytest.fixture
def bso(world) -> AgreementVersion:
    """Daily care BSO → school, for the BSO's children only."""
    version = agreement_version(world, purpose="bso_school", codes=["bso_practical"], title="BSO (test)")
    fake_letter(version, "nl")
    return scoped(version, locations=[world.bso])


def _staff_verdict(world, child, version):
    return rules.check_transfer(
        child=child,
        agreement_version=version,
        categories=[i.category.code for i in version.items.all()],
        at=timezone.now(),
        requester=world.user("director_childcare"),
        method=rules.METHOD_IN_APP,
    )


# --- The rule, in its three forms ----------------------------------------------------------------


def test_existing_versions_concern_every_child(world, lotte):
    """A version without a scope (every version from before scopes existed) concerns every
    child of its sender, and no child of another organisation."""
    version = agreement_version(world)
    now = timezone.now()
    assert scope.scope_of(version).is_everyone
    assert scope.describe_version(version) == "alle kinderen van Kinderopvang Test"
    for child in (world.child_daycare, world.child_bso, lotte):
        assert scope.in_scope(version, child, now)
        assert scope.out_of_scope_reason(version, child, now) == ""
    assert not scope.in_scope(version, world.child_school, now)


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        ({"vve_only": True}, {"Noah"}),
        ({"locations": "bso"}, {"Emma"}),
        ({"locations": "daycare"}, {"Noah", "Lotte", "Birthday", "Almost"}),
        ({"min_age": 3}, {"Noah", "Emma", "Birthday"}),
        ({"max_age": 2}, {"Lotte", "Almost"}),
        ({"min_age": 3, "max_age": 3}, {"Noah", "Birthday"}),
        ({"min_age": 2, "max_age": 6, "locations": "daycare", "vve_only": True}, {"Noah"}),
    ],
)
def test_python_and_database_forms_agree(world, lotte, limits, expected):
    """in_scope (one child), children_q (children of a version) and versions_q (versions of
    a child) answer the same, also on a third birthday and the day before it."""
    today = timezone.localdate()
    ChildFactory(location=world.daycare, first_name="Birthday", date_of_birth=scope.years_before(today, 3))
    ChildFactory(
        location=world.daycare,
        first_name="Almost",
        date_of_birth=scope.years_before(today, 3) + datetime.timedelta(days=1),
    )
    limits = dict(limits)
    if "locations" in limits:
        limits["locations"] = [getattr(world, limits["locations"])]
    version = scoped(agreement_version(world), **limits)
    now = timezone.now()
    children = list(Child.objects.filter(organisation=world.childcare).select_related("location"))
    in_python = {c.first_name for c in children if scope.in_scope(version, c, now)}
    in_database = set(
        Child.objects.filter(scope.children_q(version, now)).values_list("first_name", flat=True).distinct()
    )
    per_child = {
        c.first_name
        for c in children
        if AgreementVersion.objects.filter(pk=version.pk).filter(scope.versions_q(c, now)).exists()
    }
    assert in_python == in_database == per_child == expected


def test_the_scope_in_words_on_the_version_page(world, vve, login):
    page = login(world.user("director_childcare")).get(reverse("agreements:version-detail", args=[vve.pk]))
    assert VVE_ONLY_TEXT in page.content.decode()
    assert scope.describe(scope.Scope(min_age=2, max_age=4)) == "kinderen van 2 tot en met 4 jaar"
    assert scope.describe(scope.Scope(min_age=4)) == "kinderen vanaf 4 jaar"


# --- Consent rounds, letters, the portal -----------------------------------------------------------


def test_a_round_does_not_ask_about_vve_for_a_daycare_child_without_vve(world, vve, lotte):
    children = Child.objects.filter(organisation=world.childcare)
    director = world.user("director_childcare")
    round_ = consent_round_start(version=vve, actor=director, children=children, enqueue=False)
    asked = {c.first_name for mail in round_.mails.all() for c in mail.children.all()}
    assert asked == {"Noah"}  # not Lotte (no VVE), not Emma (BSO)
    event = AuditEvent.objects.get(action="consent_round.started", target_id=str(round_.pk))
    assert json.loads(event.payload)["children"] == [world.child_daycare.pk]
    # A list of children is held to the same rule.
    again = consent_round_start(version=vve, actor=director, children=list(children), enqueue=False)
    assert {c.first_name for mail in again.mails.all() for c in mail.children.all()} == {"Noah"}


def test_a_round_only_for_children_outside_the_scope_is_refused_with_the_scope(world, vve, lotte):
    with pytest.raises(ValidationError) as exc:
        consent_round_start(version=vve, actor=world.user("director_childcare"), children=[lotte], enqueue=False)
    assert "Deze afspraak geldt alleen voor kinderen op KDV Test, met een VVE-programma." in exc.value.messages[0]
    assert not ConsentRound.objects.exists() and not ConsentRoundMail.objects.exists()


def test_the_bso_agreement_does_not_ask_daycare_parents(world, bso, lotte):
    children = Child.objects.filter(organisation=world.childcare)
    round_ = consent_round_start(version=bso, actor=world.user("director_childcare"), children=children, enqueue=False)
    assert {c.first_name for mail in round_.mails.all() for c in mail.children.all()} == {"Emma"}


def test_paper_letters_only_for_children_in_scope(world, vve, lotte):
    children = {ship.child.first_name for ship in batch_recipients(vve)}
    assert children == {"Noah"}
    unscoped = agreement_version(world, title="Zonder beperking")
    assert {ship.child.first_name for ship in batch_recipients(unscoped)} == {"Noah", "Emma", "Lotte"}


def test_the_portal_shows_a_parent_only_the_agreements_about_their_child(world, vve, bso, lotte, login):
    client = login(world.user("parent_a"))
    noah = client.get(reverse("consent:portal-child", args=[world.child_daycare.pk])).content.decode()
    assert "VVE (test)" in noah and "BSO (test)" not in noah
    lottes = client.get(reverse("consent:portal-child", args=[lotte.pk])).content.decode()
    assert "VVE (test)" not in lottes and "BSO (test)" not in lottes
    emma = client.get(reverse("consent:portal-child", args=[world.child_bso.pk])).content.decode()
    assert "BSO (test)" in emma and "VVE (test)" not in emma
    # Nor can the parent reach it by its address.
    assert client.get(reverse("consent:portal-decide", args=[lotte.pk, vve.pk])).status_code == 404
    assert client.get(reverse("consent:portal-decide", args=[world.child_daycare.pk, vve.pk])).status_code == 200


# --- check_transfer and the staff child page -----------------------------------------------------------


def test_check_transfer_refuses_a_child_outside_the_scope_and_names_it(world, vve, bso, lotte):
    verdict = _staff_verdict(world, lotte, vve)
    assert not verdict.allowed and "out_of_scope" in verdict.codes
    assert (
        "Deze afspraak geldt alleen voor kinderen op KDV Test, met een VVE-programma; dit kind volgt geen "
        "VVE-programma." in verdict.reasons
    )
    noah = _staff_verdict(world, world.child_daycare, bso)
    assert "Deze afspraak geldt alleen voor kinderen op BSO Test; dit kind staat op KDV Test." in noah.reasons
    # check_transfers (the staff child page) answers the same.
    (many,) = rules.check_transfers(
        child=lotte,
        questions=[rules.TransferQuestion(version=vve, categories=["vve_programme"], method=rules.METHOD_IN_APP)],
        at=timezone.now(),
        requester=world.user("director_childcare"),
    )
    assert not many.allowed and "out_of_scope" in many.codes


def test_a_child_in_scope_is_checked_as_before(world, vve):
    verdict = _staff_verdict(world, world.child_daycare, vve)
    assert "out_of_scope" not in verdict.codes
    unscoped = scoped(vve)  # the same version without a scope
    assert _staff_verdict(world, world.child_daycare, unscoped).codes == verdict.codes


def test_an_age_range_is_measured_on_the_day_asked(world, lotte):
    version = scoped(agreement_version(world), min_age=3)
    now = timezone.now()
    assert "Deze afspraak geldt alleen voor kinderen vanaf 3 jaar; dit kind is 2 jaar." in (
        _staff_verdict(world, lotte, version).reasons
    )
    later = now + datetime.timedelta(days=365)
    assert scope.in_scope(version, lotte, later) and not scope.in_scope(version, lotte, now)


def test_the_staff_child_page_says_why_an_agreement_does_not_apply(world, vve, lotte, login):
    page = login(world.user("staff_childcare")).get(reverse("ikc_share:child-detail", args=[lotte.pk]))
    assert "Deze afspraak geldt alleen voor kinderen op KDV Test, met een VVE-programma" in page.content.decode()


# --- Coverage and the dashboard ------------------------------------------------------------------------


def test_coverage_counts_only_children_in_scope(world, vve, bso, lotte, login):
    page = login(world.user("director_childcare")).get(reverse("consent:coverage", args=[vve.pk])).content.decode()
    assert "Noah" in page and "Lotte" not in page and "Emma" not in page
    assert "Voor welke kinderen: kinderen op KDV Test, met een VVE-programma" in page
    rows = {row.version.pk: row for row in dashboard.coverage(organisation=world.childcare, at=timezone.now())}
    assert rows[vve.pk].total == 1
    assert rows[bso.pk].total == 1 and sum(rows[bso.pk].counts.values()) == 1  # Emma, asked for consent
    unscoped = agreement_version(world, title="Zonder beperking")
    rows = {row.version.pk: row for row in dashboard.coverage(organisation=world.childcare, at=timezone.now())}
    assert rows[unscoped.pk].total == 3


# --- Changes and validation ---------------------------------------------------------------------------


def test_widening_the_scope_is_material_narrowing_is_not(world):
    daycare_only = spec(world, scope_locations=[world.daycare], scope_min_age=2, scope_max_age=4)
    cases = [
        (spec(world, scope_locations=[world.daycare, world.bso], scope_min_age=2, scope_max_age=4), True),
        (spec(world, scope_locations=[], scope_min_age=2, scope_max_age=4), True),
        (spec(world, scope_locations=[world.daycare], scope_min_age=1, scope_max_age=4), True),
        (spec(world, scope_locations=[world.daycare], scope_min_age=2, scope_max_age=None), True),
        (spec(world, scope_locations=[world.daycare], scope_min_age=3, scope_max_age=4), False),
        (spec(world, scope_locations=[world.daycare], scope_min_age=2, scope_max_age=4, scope_vve_only=True), False),
    ]
    for new, material in cases:
        report = rules.classify_change(daycare_only, new)
        assert report.is_material is material, report.summary
        (change,) = report.changes
        assert change.code == ("scope_widened" if material else "scope_narrowed")
    vve_only = spec(world, scope_vve_only=True)
    report = rules.classify_change(vve_only, spec(world))
    assert report.is_material
    assert report.summary == (
        "Voor wie verruimd (nu ook voor kinderen die er eerst niet onder vielen): kinderen met een VVE-programma "
        "→ alle kinderen (wezenlijke wijziging)"
    )


def test_an_amendment_that_widens_asks_parents_again(world):
    version = make_active(world, title="Beperkt", scope_locations=[world.daycare])
    director = world.user("director_childcare")
    draft = services.agreement_amend(agreement=version.agreement, actor=director)
    services.agreement_version_update(version=draft, actor=director, spec=spec(world, scope_locations=[]))
    draft.refresh_from_db()
    assert draft.is_material_change and "Voor wie verruimd" in draft.change_summary
    services.agreement_version_update(
        version=draft, actor=director, spec=spec(world, scope_locations=[world.daycare], scope_vve_only=True)
    )
    draft.refresh_from_db()
    assert not draft.is_material_change and "Voor wie beperkt" in draft.change_summary
    assert list(draft.scope_locations.all()) == [world.daycare] and draft.scope_vve_only


def test_the_form_refuses_a_location_of_another_organisation(world):
    data = {"scope_locations": [world.school_location.pk]}
    form = VersionForm(data, sender=world.childcare, receiver=world.school)
    assert not form.is_valid() and "scope_locations" in form.errors
    ok = VersionForm({"scope_locations": [world.daycare.pk]}, sender=world.childcare, receiver=world.school)
    ok.is_valid()
    assert "scope_locations" not in ok.errors
    # The rule holds it too (for whatever reaches the services), with a sentence for the director.
    messages = rules.validate_version(spec(world, scope_locations=[world.school_location]))
    (message,) = [m for m in messages if m.code == "scope_location_not_at_sender"]
    assert message.is_error and message.field == "scope_locations"
    assert message.text.startswith("De locatie(s) OBS Test horen niet bij Kinderopvang Test.")
    with pytest.raises(services.AgreementRuleError):
        services.agreement_create(
            actor=world.user("director_childcare"), spec=spec(world, scope_locations=[world.school_location])
        )


def test_the_age_range_must_hold_a_child(world):
    codes = {m.code for m in rules.validate_version(spec(world, scope_min_age=5, scope_max_age=3))}
    assert "scope_age_order" in codes
    codes = {m.code for m in rules.validate_version(vve_spec(world))}
    assert "scope_vve_open" in codes  # a notice: a VVE handover for every child
    assert "scope_vve_open" not in {m.code for m in rules.validate_version(vve_spec(world, scope_vve_only=True))}


def test_the_director_sets_the_scope_in_the_form(world, login):
    client = login(world.user("director_childcare"))
    url = reverse("agreements:agreement-create", args=[world.childcare.pk])
    response = client.get(url, {"counterpart": world.school.pk, "direction": "send"})
    assert "Voor welke kinderen" in response.content.decode()
    offered = set(response.context["form"].fields["scope_locations"].queryset)
    assert offered == {world.daycare, world.bso}  # the sender's locations, not the school's


# --- The demo -----------------------------------------------------------------------------------------


def test_the_demo_scopes_the_vve_and_bso_agreements(db):
    call_command("seed_demo")
    active = AgreementVersion.objects.filter(status="active").select_related("agreement__sending_organisation")
    vve = active.get(purpose="vve_handover")
    bso = active.get(purpose="bso_school", agreement__sending_organisation__kind="childcare")
    assert scope.describe_version(vve) == "kinderen op Kinderdagverblijf De Regenboog, met een VVE-programma"
    assert scope.describe_version(bso) == "kinderen op BSO De Regenboog"
    sender = vve.agreement.sending_organisation
    without_vve = Child.objects.filter(organisation=sender, location__kind="daycare", vve_programme="").first()
    assert without_vve is not None
    now = timezone.now()
    assert not scope.in_scope(vve, without_vve, now) and not scope.in_scope(bso, without_vve, now)
    # Nobody was told about the VVE handover for a child without VVE.
    informed = ParentNotice.objects.filter(version=vve).values_list("child__vve_programme", flat=True)
    assert informed and "" not in set(informed)

    # A demo database from before scopes: its VVE handover is amended to the scope once.
    vve.scope_locations.clear()
    AgreementVersion.objects.filter(pk=vve.pk).update(scope_vve_only=False)
    call_command("seed_demo")
    call_command("seed_demo")
    current = AgreementVersion.objects.get(agreement=vve.agreement, status="active")
    assert current.number == vve.number + 1 and current.scope_vve_only and not current.is_material_change
