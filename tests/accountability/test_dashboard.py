"""The privacy dashboard: consent coverage with a bar drawn on the server (SVG, no inline
styles), open requests with their deadlines (overdue red, within 7 days orange), pending
objections, incidents, retention and the chain's state; a query count that does not grow
with the number of children, decisions or requests."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accountability.rights import services as rights_services
from consent import services
from ikc_share.models import Child, Guardian, Guardianship
from tests.builders import agreement_version, decide, incident, inform_all, object_
from tests.builders import guardian as guardian_of


@pytest.fixture
def version(world):
    return agreement_version(world, title="Doorgaande lijn")


def _children(world, version, n: int, start: int = 0) -> None:
    """n more children at the daycare, each with one parent; answers rotate given / refused /
    withdrawn / none."""
    for i in range(start, start + n):
        child = Child.objects.create(
            organisation=world.childcare, location=world.daycare, first_name=f"Kind{i}", last_name="Test",
            date_of_birth=datetime.date(2023, 1, 1),
        )  # fmt: skip
        parent = Guardian.objects.create(organisation=world.childcare, first_name=f"Ouder{i}", last_name="Test")
        Guardianship.objects.create(guardian=parent, child=child, has_parental_authority=True)
        inform_all(version, child)
        state = ["given", "refused", "withdrawn", None][i % 4]
        if state == "withdrawn":
            decide(version, child, parent, "given", at=timezone.now() - datetime.timedelta(days=3))
        if state:
            decide(version, child, parent, state, at=timezone.now() - datetime.timedelta(days=2))


def _request(world, days_ago: int, child=None):
    child = child or world.child_daycare
    return rights_services.rights_request_submit(
        child=child, guardian=guardian_of(world, child, "Sanne"), kind="access", description="",
        actor=world.user("director_childcare"), channel="letter",
        received_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )  # fmt: skip


def test_dashboard_shows_coverage_deadlines_and_the_rest(world, version, login):
    _children(world, version, 8)
    overdue = _request(world, 40)
    soon = _request(world, 27, child=world.child_bso)
    object_(
        agreement_version(world, basis="f", title="BSO en school"),
        world.child_bso,
        guardian_of(world, world.child_bso, "Mark"),
    )
    incident(world)
    response = login(world.user("po_childcare")).get(f"/organisations/{world.childcare.pk}/privacy/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "style=" not in body  # the CSP forbids inline styles: the bar is SVG
    row = next(r for r in response.context["board"].coverage if r.version == version)
    # Noah and Emma have no answer; the 8 new children rotate given/refused/withdrawn/none.
    assert row.counts == {"given": 2, "refused": 2, "withdrawn": 2, "open": 4, "not_needed": 0} and row.total == 10
    rects = re.findall(r'<rect class="(\w+)" x="([\d.]+)" y="0" width="([\d.]+)"', body)
    assert [r[0] for r in rects] == ["given", "refused", "withdrawn", "open"]  # the f-version draws no bar
    assert sum(float(r[2]) for r in rects) == pytest.approx(100, abs=0.1)
    assert re.search(rf'<tr class="row-overdue">.*?#{overdue.pk}', body, re.S)
    assert re.search(rf'<tr class="row-soon">.*?#{soon.pk}', body, re.S)
    assert "dagen te laat" in body and "deadline-soon" in body
    assert "Bezwaren in behandeling" in body and "Emma J." in body
    assert "Overdrachtslijst op de printer" in body
    # The school's director was told in the app, on their own dashboard.
    school = login(world.user("director_school")).get(f"/organisations/{world.school.pk}/privacy/")
    assert "mogelijk datalek" in school.content.decode()


def test_dashboard_query_count_does_not_grow_with_children(world, version, login, django_assert_num_queries):
    client = login(world.user("po_childcare"))
    url = f"/organisations/{world.childcare.pk}/privacy/"
    _children(world, version, 2)
    _request(world, 40)
    incident(world)
    client.get(url)
    cache.clear()  # measure the counting, not the cached bar
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    _children(world, version, 48, start=2)
    for days in (1, 10, 20, 35):
        _request(world, days, child=world.child_bso)
    cache.clear()
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(url)
    assert response.context["board"].coverage[0].total == 52
    assert len(response.context["board"].requests) == 5


def test_coverage_is_cached_until_a_decision_moves_the_chain(world, version, login):
    """Reloading the dashboard reuses the counted bar; a withdrawal (an audited change in
    the organisation's chain) shows at once."""
    client = login(world.user("po_childcare"))
    url = f"/organisations/{world.childcare.pk}/privacy/"
    _children(world, version, 4)
    with CaptureQueriesContext(connection) as cold:
        before = client.get(url).context["board"].coverage[0].counts
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url).context["board"].coverage[0].counts
    assert again == before and len(warm.captured_queries) < len(cold.captured_queries)
    child = Child.objects.get(first_name="Kind0")  # the one whose parent gave consent
    services.consent_withdraw(
        child=child,
        guardian=Guardian.objects.get(first_name="Ouder0"),
        version=version,
        channel="portal",
        actor=None,
        language="nl",
    )
    after = client.get(url).context["board"].coverage[0].counts
    assert (after["given"], after["withdrawn"]) == (before["given"] - 1, before["withdrawn"] + 1)


def test_staff_and_the_other_organisation_do_not_see_it(world, login):
    url = f"/organisations/{world.childcare.pk}/privacy/"
    assert login(world.user("staff_childcare")).get(url).status_code == 403
    assert login(world.user("po_school")).get(url).status_code == 404
    assert login(world.user("director_childcare")).get(url).status_code == 200


def test_dashboard_flags_match_the_single_permission_functions(world):
    """advise_and_handle (one query each for permissions and membership) answers as
    may_advise and can_handle do, for every member of the cast, including a staff member
    marked as privacy contact."""
    from accountability import permissions as perms
    from tests.conftest import CAST

    contact = world.membership("staff_school")
    contact.is_privacy_contact = True
    contact.save()
    for name in CAST:
        user = world.user(name)
        for org in (world.childcare, world.school):
            assert perms.advise_and_handle(user, org) == (
                perms.may_advise(user, org),
                perms.can_handle(user, org),
            ), (name, org)
