"""Issue 18.2: the home page lists what waits for this person, from every app (registered
to-do providers, ikc_share/todos.py): versions to approve and drafts sent back (directors),
objections to decide (directors), rights requests and data breaches with their deadlines
(directors and privacy contacts), received transfers to read (receivers); nothing for whom
nothing waits."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.rights.models import RightsRequest
from agreements import services as agreement_services
from ikc_share.models import Membership
from ikc_share.todos import Todo, register_todo_provider, todos_for
from tests.builders import access_request, agreement_version, guardian, incident, make_awaiting, object_
from tests.builders.transfers import sent

HOME = reverse("ikc_share:home")


def _home(login, user) -> str:
    return login(user).get(HOME).content.decode()


def test_nothing_waiting_says_so(world, login):
    page = _home(login, world.user("staff_school"))
    assert "Wat op u wacht" in page and "Er wacht nu niets op u." in page


def test_the_other_director_sees_the_version_to_approve(world, login):
    version = make_awaiting(world)  # submitted (and so approved) by the childcare director
    title = version.agreement.title
    page = _home(login, world.user("director_school"))
    assert f"‘{title}’ versie 1 wacht op uw goedkeuring" in page
    assert reverse("agreements:agreement-detail", args=[version.agreement_id]) in page
    assert "wacht op uw goedkeuring" not in _home(login, world.user("director_childcare"))
    assert "wacht op uw goedkeuring" not in _home(login, world.user("staff_school"))
    assert "wacht op uw goedkeuring" not in _home(login, world.user("po_school"))  # advises, decides nothing

    agreement_services.agreement_version_approve(
        version=version, actor=world.user("director_school"), organisation=world.school
    )
    assert "wacht op uw goedkeuring" not in _home(login, world.user("director_school"))


def test_a_returned_draft_waits_for_the_other_side(world, login):
    version = make_awaiting(world)
    agreement_services.agreement_version_return(
        version=version, actor=world.user("director_school"), organisation=world.school, comment="Graag aanpassen."
    )
    assert "is teruggestuurd: pas het concept aan" in _home(login, world.user("director_childcare"))
    assert "teruggestuurd" not in _home(login, world.user("director_school"))


def test_a_pending_objection_waits_for_the_senders_director(world, login):
    version = agreement_version(world, basis="f", title="Gerechtvaardigd belang")
    objection = object_(version, world.child_daycare, guardian(world, world.child_daycare, "Sanne"))
    page = _home(login, world.user("director_childcare"))
    assert "Een bezwaar tegen ‘Gerechtvaardigd belang’ wacht op uw beslissing" in page
    assert reverse("consent:objection-detail", args=[objection.pk]) in page
    assert "bezwaar" not in _home(login, world.user("director_school")).lower().split("wat op u wacht")[1][:400]
    assert "wacht op uw beslissing" not in _home(login, world.user("staff_childcare"))


def test_open_rights_requests_with_their_deadline_for_the_handlers(world, login):
    request = access_request(world)
    due = request.due_on
    page = _home(login, world.user("director_childcare"))
    assert f"Verzoek #{request.pk} (Inzage (art. 15)): antwoord uiterlijk" in page
    assert reverse("consent:rights-detail", args=[request.pk]) in page
    assert "Verzoek #" not in _home(login, world.user("staff_childcare"))  # not a privacy contact
    assert "Verzoek #" not in _home(login, world.user("po_childcare"))  # the FG advises, handles nothing
    Membership.objects.filter(user=world.user("staff_childcare")).update(is_privacy_contact=True)
    assert f"Verzoek #{request.pk}" in _home(login, world.user("staff_childcare"))

    # Past its deadline: urgent, and said so.
    today = timezone.localdate()
    RightsRequest.objects.filter(pk=request.pk).update(
        received_on=today - datetime.timedelta(days=33), due_on=today - datetime.timedelta(days=2)
    )
    page = _home(login, world.user("director_childcare"))
    assert "had uiterlijk" in page and "dringend" in page
    assert due  # the deadline was set on filing

    # Assigned to someone else: it waits for them, not for every handler.
    RightsRequest.objects.filter(pk=request.pk).update(assignee=world.user("staff_childcare"))
    assert f"Verzoek #{request.pk}" not in _home(login, world.user("director_childcare"))
    assert f"Verzoek #{request.pk}" in _home(login, world.user("staff_childcare"))

    RightsRequest.objects.filter(pk=request.pk).update(status="fulfilled")
    assert f"Verzoek #{request.pk}" not in _home(login, world.user("staff_childcare"))


def test_an_unreported_breach_is_urgent_for_the_handlers(world, login):
    breach = incident(world)
    page = _home(login, world.user("director_childcare"))
    assert f"Datalek #{breach.number}: beoordeel het risico en meld het uiterlijk" in page
    assert reverse("ikc_share:incident-detail", args=[breach.pk]) in page
    type(breach).objects.filter(pk=breach.pk).update(discovered_at=timezone.now() - datetime.timedelta(hours=80))
    assert "de meldtermijn van 72 uur verliep op" in _home(login, world.user("director_childcare"))
    type(breach).objects.filter(pk=breach.pk).update(ap_reported=True, ap_reported_at=timezone.now())
    assert "Datalek #" not in _home(login, world.user("director_childcare"))


def test_a_received_transfer_waits_for_its_receivers_until_confirmed(world, login):
    transfer = sent(world)
    page = _home(login, world.user("staff_school"))
    assert "1 ontvangen overdracht om te lezen en te bevestigen" in page
    assert reverse("transfers:inbox", args=[world.school.pk]) in page
    assert "ontvangen overdracht om te lezen" not in _home(login, world.user("staff_childcare"))
    client = login(world.user("staff_school"))
    client.post(reverse("transfers:received-confirm", args=[transfer.received.pk]))
    assert "ontvangen overdracht om te lezen" not in _home(login, world.user("staff_school"))


def test_the_list_puts_urgent_items_first(world):
    calls = []

    def provider(*, user, memberships):
        calls.append(user)
        return [Todo(text="Later", url="/b/"), Todo(text="Nu", url="/a/", urgent=True)]

    register_todo_provider(provider)
    register_todo_provider(provider)  # registering twice adds it once
    try:
        texts = [t.text for t in todos_for(user=world.user("stranger"), memberships=[])]
    finally:
        from ikc_share import todos

        todos._providers.remove(provider)
    assert texts == ["Nu", "Later"] and len(calls) == 1


@pytest.mark.parametrize("name", ["director_childcare", "staff_school", "po_school"])
def test_the_home_page_stays_constant_in_queries(world, login, name, django_assert_max_num_queries):
    """The to-dos are counted in a fixed number of queries, whatever is waiting."""
    client = login(world.user(name))
    client.get(HOME)
    access_request(world)
    incident(world)
    make_awaiting(world)
    with django_assert_max_num_queries(30):
        client.get(HOME)
